"""Forgiving parsing of the values inside what staff write: in chat messages and in imported sheets.

Civil servants type dates, numbers and names the way they would to a colleague, often on
a phone: "12/5", "4 500", "nassjo", "Aneby Eksjö och Habo". Each parser accepts every
reasonable spelling of a value. When it cannot, it raises `ValueProblem`, whose message
is a Swedish sentence that can be sent back as it is: what was wrong, and a correct
example. For any input string the parsers return a value or raise `ValueProblem`, never
anything else, so a caller needs exactly one `except` clause. Pure functions: no database,
no chat, so the chat grammar and the spreadsheet importers share them.
"""

from kubot.values.dates import parse_date
from kubot.values.names import match_name, match_ranked, parse_municipalities
from kubot.values.numbers import parse_int, parse_number, parse_percent
from kubot.values.problems import Ambiguous, NoMatch, ValueProblem, fold, quoted

__all__ = [
    "Ambiguous",
    "NoMatch",
    "ValueProblem",
    "fold",
    "match_name",
    "match_ranked",
    "parse_date",
    "parse_int",
    "parse_municipalities",
    "parse_number",
    "parse_percent",
    "quoted",
]
