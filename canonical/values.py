"""Cell text → value, by the kind of its column (canonical/template.py):

- count: a non-negative integer (`1,036` is 1036);
- signed: an integer with its sign, for 本年增/减. Accepted: `+3`, `-3`, `0`, the minus signs
  `－ − ﹣ —`, and the words `增加3`/`增3` (+3) and `减少3`/`减3` (-3). Nothing else.
- decimal: a non-negative exact decimal, kept as the string printed (`5098.4139`), with its
  unit when the cell has one (`251000元`, `35.6万元`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from model.report import Flag, Value
from model.text import MINUS_SIGNS, compact

from .template import ValueKind

_COUNT = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
_SIGNED = re.compile(
    rf"(?P<sign>[+{re.escape(MINUS_SIGNS)}]|增加?|减少?)?(?P<digits>\d+|\d{{1,3}}(?:,\d{{3}})+)"
)
_DECIMAL = re.compile(
    r"(?P<number>\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?P<unit>元|万元|亿元)?"
)
_NEGATIVE = (*MINUS_SIGNS, "减")
# Marks the recogniser reads for a digit of a scan: a serif "1" as "I", "i", "l" or "|", a
# "0" as "O", "o", "Q" or "D" (10 read "io"; a photo's 0 read "D" at 0.97), a fax's "4" whose
# slant broke off as "+". Only a candidate for the identities to confirm.
_LOOKALIKE_DIGITS = str.maketrans("Iil|OoQD+", "111100004")
# "B" is a 3 as often as an 8 (a 3 read "B" at 0.98): both are candidates, and the identities
# choose, as no sum holds with both.
_EITHER_DIGIT = {"B": "38"}
# A fax's "0" that lost its thin top and bottom: two brackets facing each other, read "()".
_OPEN_ZERO = re.compile(r"[(（][)）]")
WANTED = {"count": "非负整数", "signed": "整数（可带正负号）", "decimal": "非负数"}


@dataclass
class Parsed:
    value: Value
    flags: list[Flag] = field(default_factory=list)
    unit: str | None = None  # written in the cell


def parse(text: str, kind: ValueKind) -> Parsed:
    """A blank cell is None with flag BLANK; unparsable text is None with flag NOT_A_NUMBER
    (identity 5 then reports it)."""
    printed = compact(unicodedata.normalize("NFKC", text))
    if printed == "":
        return Parsed(None, [Flag.BLANK])
    if len(text.strip().splitlines()) > 1:
        return Parsed(None, [Flag.NOT_A_NUMBER])  # a number never wraps: two lines are two things
    if kind == "count":
        return (
            Parsed(int(printed.replace(",", ""))) if _COUNT.fullmatch(printed) else _not_a_number()
        )
    if kind == "signed":
        m = _SIGNED.fullmatch(printed)
        if not m:
            return _not_a_number()
        number = int(m["digits"].replace(",", ""))
        return Parsed(-number if (m["sign"] or "").startswith(_NEGATIVE) else number)
    m = _DECIMAL.fullmatch(printed)
    return Parsed(m["number"].replace(",", ""), unit=m["unit"]) if m else _not_a_number()


def _not_a_number() -> Parsed:
    return Parsed(None, [Flag.NOT_A_NUMBER])


def is_open_zero(text: str) -> bool:
    """Is the reading two brackets facing each other alone: a fax's "0" without its top and
    bottom?"""
    return bool(_OPEN_ZERO.fullmatch(compact(text)))


def reading_numbers(text: str) -> list[int]:
    """The numbers a reading's digits may be, look-alike letters read as digits; none when its
    digits stand apart (a merged cell's "5 9 15" is no 5915)."""
    read = _OPEN_ZERO.sub("0", text).translate(_LOOKALIKE_DIGITS)
    if len(re.findall(r"[\dB]+", read)) != 1:
        return []
    readings = [""]
    for ch in read:
        if ch.isdecimal():
            readings = [r + ch for r in readings]
        elif ch in _EITHER_DIGIT:
            readings = [r + d for r in readings for d in _EITHER_DIGIT[ch]]
    return [int(r) for r in dict.fromkeys(readings) if r]
