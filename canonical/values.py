"""Cell text → value: counts are non-negative integers, fees an exact decimal string."""

from __future__ import annotations

import re
import unicodedata

from model.report import Flag, Value
from model.text import compact as to_compact

from .template import ValueKind

_COUNT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?")
WANTED = {"count": "非负整数", "decimal": "非负数"}  # what a cell of each kind must hold


def parse(text: str, kind: ValueKind) -> tuple[Value, list[Flag]]:
    """Return (value, flags). A blank cell is None with flag BLANK; unparsable text is None
    with flag NOT_A_NUMBER (identity 5 then reports it)."""
    compact = to_compact(unicodedata.normalize("NFKC", text))
    if compact == "":
        return None, [Flag.BLANK]
    if len(text.strip().splitlines()) > 1:
        return None, [Flag.NOT_A_NUMBER]  # a number never wraps: two lines are two things
    pattern = _COUNT if kind == "count" else _DECIMAL
    if not pattern.fullmatch(compact):
        return None, [Flag.NOT_A_NUMBER]
    digits = compact.replace(",", "")
    return (int(digits) if kind == "count" else digits), []
