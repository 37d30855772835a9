"""Report drafts in Word: delårsrapport (T1, T2) and verksamhetsberättelse (T3).

`build.build` is the entry point. The work is split so each part can be tested on its own:
`gather` reads the database, `content` (pure) decides every heading, table row and number
as plain data (`model`), `charts` draws the diagrams, and `document` – the only module that
imports python-docx – renders it into the organisation's template.
"""
