"""Declarative rules that judge indicators and activities: YAML rulesets run on durable-rules.

`rulebook.load()` reads and checks the ruleset files in this folder; `engine.RuleEngine` runs
them. Nothing else in kubot knows which rule engine is underneath.
"""
