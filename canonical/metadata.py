"""Agency and year from the report's title.

Titles come as '北京市丰台区人民政府 / 2023年政府信息公开工作年度报告' on two lines, or on one
line ('四方台区2023年政府信息公开工作年度报告'), sometimes with blank lines between.
"""

from __future__ import annotations

import re

from model.text import CJK_CHAR
from model.text import compact as to_compact

TITLE = "政府信息公开工作年度报告"
_YEAR = re.compile(r"(20\d{2})\s*年度?")
_TITLE_SEARCH_LINES = 12


def agency_and_year(body_text: str) -> tuple[str | None, int | None]:
    lines = [ln.strip() for ln in body_text.splitlines() if ln.strip()][:_TITLE_SEARCH_LINES]
    for i, line in enumerate(lines):
        compact = to_compact(line)
        if TITLE not in compact:
            continue
        year_match = _YEAR.search(compact)
        year = int(year_match.group(1)) if year_match else None
        before = compact[: year_match.start()] if year_match else compact.split(TITLE)[0]
        agency = before or (_agency_line(lines[i - 1]) if i > 0 else None)
        return _with_region(agency, body_text), year
    return None, None


def has_title(body_text: str) -> bool:
    """Does the document call itself a 政府信息公开工作年度报告 near its start?"""
    lines = [ln for ln in body_text.splitlines() if ln.strip()][:_TITLE_SEARCH_LINES]
    return any(TITLE in to_compact(line) for line in lines)


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


def _agency_line(line: str) -> str | None:
    compact = to_compact(line)
    if len(compact) > 40 or any(p in compact for p in "。，；："):
        return None
    return compact
