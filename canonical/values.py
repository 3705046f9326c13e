"""Cell text → value: counts are non-negative integers, fees an exact decimal string."""
from __future__ import annotations

import re
import unicodedata

from .schema import ValueKind

BLANK = "blank"
NOT_A_NUMBER = "not_a_number"

_COUNT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse(text: str, kind: ValueKind) -> tuple[int | str | None, list[str]]:
    """Return (value, flags). A blank cell is None with flag 'blank'; unparsable text is None
    with flag 'not_a_number' (identity 5 then reports it)."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if compact == "":
        return None, [BLANK]
    if len(text.strip().splitlines()) > 1:
        return None, [NOT_A_NUMBER]  # a number never wraps: two lines are two things
    pattern = _COUNT if kind == "count" else _DECIMAL
    if not pattern.fullmatch(compact):
        return None, [NOT_A_NUMBER]
    digits = compact.replace(",", "")
    return (int(digits) if kind == "count" else digits), []
