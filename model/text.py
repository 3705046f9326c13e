"""Text helpers every stage shares, so each pattern is written once."""

from __future__ import annotations

import re

CJK_CHAR = "[\u4e00-\u9fff]"  # a Chinese character (the CJK Unified Ideographs block)
_CJK = re.compile(CJK_CHAR)
_WHITESPACE = re.compile(r"\s+")
# A minus as printed or as read: hyphen-minus, minus sign, small and full-width hyphen-minus,
# em dash. In a regex character class, escape it (re.escape).
MINUS_SIGNS = "-−﹣－—"


def compact(text: str) -> str:
    """`text` without any whitespace: reports space out labels and figures ('申请 21 件')."""
    return _WHITESPACE.sub("", text)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def is_word(text: str) -> bool:
    """Two Chinese characters or more: a label's words. One alone is a misread digit (a 150 dpi
    "3" read 国) or a seal's character over a blank cell."""
    return len(_CJK.findall(text)) >= 2


def is_subsequence(short: str, long: str) -> bool:
    """Are `short`'s characters all in `long`, in order (`long` with some characters dropped)?"""
    rest = iter(long)
    return all(ch in rest for ch in short)
