"""The yearly plan: its file format and every question asked of the plan in force.

`schema` is the file format (the fields and what refers to what), `loading` reads YAML text into it
safely, `importing` writes a loaded plan to the database, `export` writes it back as YAML, and
`queries` answers what the rest of kubot asks of the plan in force for a year. Only `queries` is
needed to ask; the other modules pull in YAML and pydantic and serve import and export alone.
"""
