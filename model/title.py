"""The words a report calls itself by, 政府信息公开工作年度报告, found in a line of text.

On scans the recogniser may drop or misread a character of the title ('政府信息公开作年度报告'),
so a title is also found one or two edits away. Every stage asks it: the scan reader (is the title
still to be read?), the canonical stage (agency and year), the flow (is this a report?).
"""

from __future__ import annotations

from .text import compact as to_compact

TITLE = "政府信息公开工作年度报告"
TITLE_SEARCH_LINES = 12
_TITLE_EDITS = 2  # characters of the title dropped, added or misread by OCR
# Each edit breaks at most two of the title's character pairs: a line keeping fewer is no title.
_TITLE_PAIRS = {TITLE[i : i + 2] for i in range(len(TITLE) - 1)}
_TITLE_MIN_PAIRS = len(_TITLE_PAIRS) - 2 * _TITLE_EDITS


def has_title(body_text: str) -> bool:
    """Does the document call itself a 政府信息公开工作年度报告 near its start?"""
    lines = [ln for ln in body_text.splitlines() if ln.strip()][:TITLE_SEARCH_LINES]
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
