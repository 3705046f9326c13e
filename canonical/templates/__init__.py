"""The report templates nianbao knows, by the id report.json records. Adding a template means
adding one module of data here (and its tests)."""

from __future__ import annotations

from ..template import Template
from . import t2019, t2021

TEMPLATES: dict[str, Template] = {t.id: t for t in (t2019.TEMPLATE, t2021.TEMPLATE)}
DEFAULT = t2021.TEMPLATE
FIRST_YEAR = min(
    t.years[0] for t in TEMPLATES.values()
)  # reports before it have no standard tables


def template(template_id: str | None) -> Template:
    """The template of that id; reports written before templates were recorded are 2021's."""
    return TEMPLATES[template_id or DEFAULT.id]
