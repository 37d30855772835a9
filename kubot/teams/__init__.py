"""Microsoft Teams: the only place kubot uses the Microsoft 365 Agents SDK (the `teams` extra, Python 3.12)."""
