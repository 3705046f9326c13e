"""The 2019 template (国办公开办函〔2019〕60号), used for the reports on 2019 and 2020.

Tables 三 and 四 are those of the 2021 template, with （六）其他处理 as one row. Table 二 has
other rows and columns; of its cells only licensing, penalty and coercion `decisions` mean what
the 2021 template's do (FORMAT.md), so the others have ids of their own.
"""

from __future__ import annotations

from dataclasses import replace

from ..template import Column, Row, TableSpec, Template
from .shared import APPLICATIONS, HEADER_KEY, IDENTITIES, RESTATED, REVIEWS_LITIGATION

ITEMS = ("prior_items", "change", "decisions")  # 上一年项目数量, 本年增/减, 处理决定数量

ACTIVE_DISCLOSURE = TableSpec(
    id="active_disclosure",
    title="二、主动公开政府信息情况",
    columns=(
        Column("made", "本年新制作数量"),
        Column("published", "本年新公开数量"),
        Column("public_total", "对外公开总数量"),
        Column("prior_items", "上一年项目数量"),
        Column("change", "本年增/减", kind="signed"),
        Column("decisions", "处理决定数量"),
        Column("items", "采购项目数量"),
        Column("amount", "采购总金额", kind="decimal"),
    ),
    rows=(
        Row("rules", "规章", columns=("made", "published", "public_total")),
        Row("normative_docs", "规范性文件", columns=("made", "published", "public_total")),
        Row("licensing", "行政许可", columns=ITEMS),
        Row("other_services", "其他对外管理服务事项", columns=ITEMS),
        Row("penalty", "行政处罚", columns=ITEMS),
        Row("coercion", "行政强制", columns=ITEMS),
        Row("fees", "行政事业性收费", columns=("prior_items", "change")),
        Row("procurement", "政府集中采购", columns=("items", "amount")),
    ),
    header_key=HEADER_KEY,
)

TEMPLATE = Template(
    id="2019",
    name="2019 年模板（国办公开办函〔2019〕60号）",
    # The 2019 template prints （六）其他处理 as one row.
    tables=(
        ACTIVE_DISCLOSURE,
        replace(APPLICATIONS, layouts=("single", "split")),
        REVIEWS_LITIGATION,
    ),
    identities=IDENTITIES,
    restated=RESTATED,
    years=(2019, 2020),
)
