"""Agency and year from the report's title.

Titles come as '北京市丰台区人民政府 / 2023年政府信息公开工作年度报告' on two lines, or on one
line ('四方台区2023年政府信息公开工作年度报告'), sometimes with blank lines between. On scans the
recogniser may drop or misread a character of the title ('政府信息公开作年度报告'), so a title
is also found one or two edits away.
"""

from __future__ import annotations

import re

from model.text import CJK_CHAR
from model.text import compact as to_compact

TITLE = "政府信息公开工作年度报告"
_YEAR = re.compile(r"(20\d{2})\s*年度?")
_TITLE_SEARCH_LINES = 12
_TITLE_EDITS = 2  # characters of the title dropped, added or misread by OCR
# Each edit breaks at most two of the title's character pairs: a line keeping fewer is no title.
_TITLE_PAIRS = {TITLE[i : i + 2] for i in range(len(TITLE) - 1)}
_TITLE_MIN_PAIRS = len(_TITLE_PAIRS) - 2 * _TITLE_EDITS


def agency_and_year(body_text: str) -> tuple[str | None, int | None]:
    lines = [ln.strip() for ln in body_text.splitlines() if ln.strip()][:_TITLE_SEARCH_LINES]
    for i, line in enumerate(lines):
        compact = to_compact(line)
        title = title_span(compact)
        if title is None:
            continue
        year_match = _YEAR.search(compact)
        year = int(year_match.group(1)) if year_match else None
        before = compact[: year_match.start()] if year_match else compact[: title[0]]
        agency = before or _agency_line(lines[:i])
        return _with_region(agency, body_text), year
    return None, None


def has_title(body_text: str) -> bool:
    """Does the document call itself a 政府信息公开工作年度报告 near its start?"""
    lines = [ln for ln in body_text.splitlines() if ln.strip()][:_TITLE_SEARCH_LINES]
    return any(title_span(to_compact(line)) is not None for line in lines)


def title_span(compact: str) -> tuple[int, int] | None:
    """Where the words 政府信息公开工作年度报告 stand in a line (spaces removed): exactly, or
    with at most _TITLE_EDITS characters dropped, added or misread."""
    start = compact.find(TITLE)
    if start >= 0:
        return start, start + len(TITLE)
    pairs = {compact[i : i + 2] for i in range(len(compact) - 1)}
    if len(pairs & _TITLE_PAIRS) < _TITLE_MIN_PAIRS:
        return None
    # The title's first surviving pair is at most _TITLE_EDITS characters from its start.
    first = min(compact.find(pair) for pair in pairs & _TITLE_PAIRS)
    best: tuple[int, int, int] | None = None  # edits, start, end
    for start in range(max(0, first - _TITLE_EDITS), first + _TITLE_EDITS + 1):
        for end in range(start + len(TITLE) - _TITLE_EDITS, start + len(TITLE) + _TITLE_EDITS + 1):
            if end > len(compact):
                break
            edits = _edit_distance(compact[start:end], TITLE)
            if edits <= _TITLE_EDITS and (best is None or edits < best[0]):
                best = (edits, start, end)
    return None if best is None else (best[1], best[2])


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _with_region(agency: str | None, body_text: str) -> str | None:
    """'洪泽区人民政府' → '淮安市洪泽区人民政府' when the text names it so
    ('本报告由淮安市洪泽区人民政府办公室…'): titles often drop the city."""
    if not agency:
        return agency
    compact = to_compact(body_text[:3000])
    m = re.search(
        r"(?:^|[由是，。、（(《])(" + CJK_CHAR + r"{2,5}(?:省|市|自治州|盟))" + re.escape(agency),
        compact,
    )
    return m.group(1) + agency if m else agency


def _agency_line(above: list[str]) -> str | None:
    """The agency, on the nearest line above the title that has words: on a scan, specks
    between the two lines read as "*", "+" or "—"."""
    worded = [to_compact(line) for line in above if len(re.findall(CJK_CHAR, line)) >= 2]
    if not worded:
        return None
    compact = worded[-1]
    if len(compact) > 40 or any(p in compact for p in "。，；："):
        return None
    return compact
