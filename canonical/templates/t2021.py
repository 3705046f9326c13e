"""The 2021 template (国办公开办函〔2021〕30号), used for reports on 2021 and later."""

from __future__ import annotations

from ..template import Column, Row, TableSpec, Template
from .shared import APPLICATIONS, HEADER_KEY, IDENTITIES, RESTATED, REVIEWS_LITIGATION

ACTIVE_DISCLOSURE = TableSpec(
    id="active_disclosure",
    title="二、主动公开政府信息情况",
    columns=(
        Column("issued", "本年制发件数"),
        Column("repealed", "本年废止件数"),
        Column("in_force", "现行有效件数"),
        Column("decisions", "本年处理决定数量"),
        Column("amount", "本年收费金额（单位：万元）", kind="decimal", unit="万元"),
    ),
    rows=(
        Row("rules", "规章", columns=("issued", "repealed", "in_force")),
        Row("normative_docs", "行政规范性文件", columns=("issued", "repealed", "in_force")),
        Row("licensing", "行政许可", columns=("decisions",)),
        Row("penalty", "行政处罚", columns=("decisions",)),
        Row("coercion", "行政强制", columns=("decisions",)),
        Row("fees", "行政事业性收费", columns=("amount",)),
    ),
    header_key=HEADER_KEY,
)

TEMPLATE = Template(
    id="2021",
    name="2021 年模板（国办公开办函〔2021〕30号）",
    tables=(ACTIVE_DISCLOSURE, APPLICATIONS, REVIEWS_LITIGATION),
    identities=IDENTITIES,
    restated=RESTATED,
    years=(2021, None),
)
