"""Agency and year from the report's title.

Titles come as '北京市丰台区人民政府 / 2023年政府信息公开工作年度报告' on two lines, or on one
line ('四方台区2023年政府信息公开工作年度报告'), sometimes with blank lines between (the title's
words are found by model.title).
"""

from __future__ import annotations

import re

from model.text import CJK_CHAR
from model.text import compact as to_compact
from model.title import TITLE_SEARCH_LINES, title_span

_YEAR = re.compile(r"(20\d{2})[\s.·,，、]*年度?")  # a scan's speck between: 2023.年
# Before the title's words, a sign that they name another document, not this report: the
# body's "国务院办公厅…关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知", or
# "现发布《四方台区2023年政府信息公开工作年度报告》". On a 150 dpi scan whose title was not
# read, the first gave the agency "办公室关于印发（中华人民共和国" (《 read as （).
_CITED = re.compile(r"关于|印发|发布|[《〈<]|[（(]$")
UNSURE_AGENCY = "机关名称“{agency}”是从扫描件上识别的，识别把握不大，可能有错字，请核对。"
MIN_AGENCY_PART = 4  # characters: an unsure line this long within the agency is its line


def agency_and_year(body_text: str) -> tuple[str | None, int | None]:
    lines = [ln.strip() for ln in body_text.splitlines() if ln.strip()][:TITLE_SEARCH_LINES]
    for i, line in enumerate(lines):
        compact = to_compact(line)
        title = title_span(compact)
        if title is None:
            continue
        if _CITED.search(compact[: title[0]]):
            continue
        year_match = _YEAR.search(compact)
        year = int(year_match.group(1)) if year_match else None
        before = compact[: year_match.start()] if year_match else compact[: title[0]]
        agency = before or _agency_line(lines[:i])
        return _with_region(agency, body_text), year
    return None, None


def agency_warnings(agency: str | None, unsure_lines: list[str]) -> list[str]:
    """A warning when the agency was read from a line OCR was unsure of (`unsure_lines`): the
    title line holding it, or the line above the title that is it (the region put before it,
    see _with_region). Not for a fragment of it ("区" read alone from specks)."""
    name = to_compact(agency or "")
    for line in map(to_compact, unsure_lines):
        if name and (name in line or (len(line) >= MIN_AGENCY_PART and line in name)):
            return [UNSURE_AGENCY.format(agency=agency)]
    return []


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
