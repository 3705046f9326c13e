"""Label text as printed → a comparable key, and matching keys against the schema's labels.

Tolerates what real reports vary: spacing and line breaks inside labels, full-width vs half-width
punctuation, quotes, and numbering (一、 / （三） / 1. / 1、).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

import opencc

from model.text import compact, is_subsequence

_QUOTES = "\"'“”‘’「」『』"
# OCR reads 一 as a dash or drops it: （-）予以公开, ()予以公开, a speck before it: 1()予以公开,
# or a character or two of the group label beside it where the rule between them is lost:
# 本（一)予以公开, 、本（一)予以公开;
# （七） as (L), （六） as 六), 1. as L. or I. or 1:, 7. as 乙; 四、 as 四， P、, 用、 or P4、. A
# digit's separator may be lost on a scan (2重复申请): no label starts with a digit otherwise, nor
# has 、 as its second or third character, nor ( as its second or third.
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.:),]|[^(]{0,2}\([^()]{0,3}\)"
    r"|(?:\d+|[LlI|乙])[.、,:]|[^(]{1,2}、|\d+(?=[\u4e00-\u9fff]))"
)
# A numbering's 一 read as a dash, (-), or lost: (). 一 is one thin stroke, the numeral a fax
# or a light print loses whole; the others keep a stroke or two.
_DASH_FOR_ONE = re.compile(r"^\([-—–_]?\)")
# Specks a scan adds to a label, read as dots or a degree sign: "(一).予以公开", and a rule's
# remnant read as a bar (a fax's 1.属于|时家秘密). No label has them but as its numbering's
# separator, which is removed first.
_SPECKS = re.compile(r"[.·°|]")
_ARABIC_NUMBER = re.compile(r"(\d+)[.、,:]")  # a row's number within its group: 4.
# A numbered row's label told by its number takes this many first characters, or this much alike.
NUMBERED_PREFIX = 3  # 2 would take a misnumbered 6.属于三内 for 6.属于四类…
NUMBERED_RATIO = 0.6
# The recogniser reads a character of a scan in its traditional form now and then (信息內容).
_SIMPLIFIED = opencc.OpenCC("t2s")
# Brackets of any shape are parentheses: OCR reads （一） as [一) or {一）.
_BRACKETS = str.maketrans("[]{}【】〔〕", "()()()()")


def normalize(text: str) -> str:
    text = _SIMPLIFIED.convert(unicodedata.normalize("NFKC", text)).translate(_BRACKETS)
    text = compact(text)
    return "".join(ch for ch in text if ch not in _QUOTES)


@lru_cache(maxsize=65536)  # the same labels come back in every report
def label_key(text: str) -> str:
    """Normalized text without its leading numbering: '（三）不予公开' → '不予公开'."""
    text = normalize(text).lstrip(".·°")
    return _SPECKS.sub("", _NUMBERING.sub("", text))


def _one_misread(got: str, want: str) -> bool:
    return sum(a != b for a, b in zip(got, want)) == 1


@lru_cache(maxsize=65536)
def match_score(printed: str, canonical: str) -> float:
    """How well a printed label matches a schema label, 0 (no) to 1 (exact).

    Exact key equality wins; then a label printed without its parenthetical note
    ('（二）部分公开' for '（二）部分公开（区分处理的…）'); then a near-equal label of the
    same length (one misread character, also in a short label), or one with characters dropped;
    never a label with
    characters added — so '行政事业性收费收入' in a budget table is not '行政事业性收费'.
    """
    got, want = label_key(printed), label_key(canonical)
    if not got:
        return 0.0
    if got == want:
        return 1.0
    short = want.split("(")[0]
    if short != want and got.split("(")[0] == short:
        return 0.95
    if len(got) == len(want) >= 4 and _one_misread(got, want):
        # one character misread by OCR: 本年废正件数; in a short label less sure (重复中请)
        return 0.85 if len(want) >= 5 else 0.78
    whole_got, whole_want = _DASH_FOR_ONE.sub("(一)", normalize(printed)), normalize(canonical)
    numbered = whole_got != got  # printed with its numbering
    told_by_numbering = numbered and len(whole_got) == len(whole_want) >= 4
    if len(want) < 4 and told_by_numbering and _one_misread(whole_got, whole_want):
        return 0.78  # a label too short to tell by itself, told with its numbering: (七)总让
    if (
        len(want) <= 4
        and numbered
        and len(whole_got) == len(whole_want) - 1 >= 5
        and is_subsequence(whole_got, whole_want)
    ):
        return 0.78  # the same with a character dropped: a fax's (一)以公开 (予 lost to a rule)
    if len(want) >= 6 and abs(len(got) - len(want)) <= 1:
        ratio = SequenceMatcher(None, got, want).ratio()
        if ratio >= 0.85:
            return ratio * 0.9
        if len(want) >= 10 and ratio >= 0.8:
            return 0.75  # two characters misread in a long label: 没有现成信总需要另行制价
    if len(got) >= 4 and len(got) >= 0.6 * len(want) and is_subsequence(got, want):
        return 0.8  # printed with characters missing: '其他法律行政止公开' (real hzq2023)
    if _told_by_its_number(printed, canonical, got, want):
        return 0.75
    return 0.0


def _told_by_its_number(printed: str, canonical: str, got: str, want: str) -> bool:
    """A row printed with its number (4.) and the label's first characters, or most of
    them, a fax's strokes lost in the rest: 4.保护第一7, 7.属子=政执法案卷. Its number is the
    one row's among its group's rows; never a label longer than the row's."""
    number = _arabic_number(printed)
    return (
        number is not None
        and number == _arabic_number(canonical)
        and len(got) <= len(want)
        and (
            _same_start(got, want) >= NUMBERED_PREFIX
            or SequenceMatcher(None, got, want).ratio() >= NUMBERED_RATIO
        )
    )


def _arabic_number(label: str) -> str | None:
    found = _ARABIC_NUMBER.match(normalize(label))
    return found.group(1) if found else None


def _same_start(a: str, b: str) -> int:
    """How many first characters `a` and `b` share."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
