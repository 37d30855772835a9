"""Text that is always safe to store and to render.

Chat platforms, terminals and pasted documents deliver characters that break later steps:
PostgreSQL refuses NUL in text, Word documents (XML) refuse most control characters and the
noncharacters U+FFFE/U+FFFF, and a lone surrogate cannot even be encoded as UTF-8. Text is
made safe once, where it enters, so one odd character in one entry cannot break a report.
"""

from __future__ import annotations

import re
import unicodedata

# Outside XML 1.0's characters (C0 controls but tab, newline and carriage return; surrogates;
# U+FFFE/U+FFFF) and the other Unicode noncharacters (U+FDD0–U+FDEF, the last two of every plane).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17))
    + "]"
)


def storable(text: str) -> str:
    """`text` without the characters no database or document may hold, composed (NFC).

    Composing matters too: "å" typed as "a" + combining ring must match the "å" in a name.
    """
    return unicodedata.normalize("NFC", _UNSAFE.sub("", text))
