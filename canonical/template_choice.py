"""Which template a report follows, told from its content.

The evidence is the labels that only one template prints (table 二's headers and rows:
本年新制作数量, 上一年项目数量, 采购项目数量 … against 本年制发件数, 本年处理决定数量 …). The
year in the title only breaks a tie, or decides when no such label was found (table 二
missing); it is never the only evidence where the tables speak.
"""

from __future__ import annotations

from functools import cache

from model.grid import Extraction
from model.text import has_cjk

from .labels import label_key
from .template import Template
from .templates import DEFAULT, TEMPLATES


@cache  # the same few templates for every document
def signature(template: Template) -> frozenset[str]:
    """The label keys this template prints and no other known template does."""
    others = {
        label_key(label) for t in TEMPLATES.values() if t is not template for label in t.labels()
    }
    return frozenset({label_key(label) for label in template.labels()} - others)


def choose_template(extraction: Extraction, year: int | None) -> tuple[Template, list[str]]:
    """The template and, when the title's year is not one it was prescribed for, a warning."""
    printed = {
        label_key(c.text) for grid in extraction.tables for c in grid.cells if has_cjk(c.text)
    }
    evidence = {t.id: len(signature(t) & printed) for t in TEMPLATES.values()}
    best = max(evidence.values())
    candidates = [t for t in TEMPLATES.values() if evidence[t.id] == best]
    of_year = [t for t in candidates if year is not None and t.prescribed_for(year)]
    chosen = (of_year or [DEFAULT if DEFAULT in candidates else candidates[0]])[0]
    if best and year is not None and not chosen.prescribed_for(year):
        return chosen, [f"报告年份为 {year} 年，但表格按{chosen.name}填写。"]
    return chosen, []
