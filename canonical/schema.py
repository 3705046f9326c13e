"""The three fixed tables of the 2021 template: every canonical id and printed label, once.

Ids are the output contract of ../shared/FORMAT.md; the labels are the template's wording and
are what rows are matched by (see mapping.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ValueKind = Literal["count", "decimal"]


@dataclass(frozen=True)
class Column:
    id: str
    label: str


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    parent: str | None = None  # id of the group the row sits under, None for top level
    columns: tuple[str, ...] = ()  # column ids; empty means all of the table's columns
    kind: ValueKind = "count"


@dataclass(frozen=True)
class Group:
    """A merged label spanning several rows (e.g. （三）不予公开); holds no values itself."""
    id: str
    label: str
    parent: str | None = None


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    groups: tuple[Group, ...] = ()

    def row(self, row_id: str) -> Row:
        return next(r for r in self.rows if r.id == row_id)

    def columns_of(self, row: Row) -> tuple[str, ...]:
        return row.columns or tuple(c.id for c in self.columns)

    def column_label(self, col_id: str) -> str:
        return next(c.label for c in self.columns if c.id == col_id)


ACTIVE_DISCLOSURE = Table(
    id="active_disclosure",
    title="二、主动公开政府信息情况",
    columns=(
        Column("issued", "本年制发件数"),
        Column("repealed", "本年废止件数"),
        Column("in_force", "现行有效件数"),
        Column("decisions", "本年处理决定数量"),
        Column("amount", "本年收费金额（单位：万元）"),
    ),
    rows=(
        Row("rules", "规章", columns=("issued", "repealed", "in_force")),
        Row("normative_docs", "行政规范性文件", columns=("issued", "repealed", "in_force")),
        Row("licensing", "行政许可", columns=("decisions",)),
        Row("penalty", "行政处罚", columns=("decisions",)),
        Row("coercion", "行政强制", columns=("decisions",)),
        Row("fees", "行政事业性收费", columns=("amount",), kind="decimal"),
    ),
)

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "nonprofit",
                     "legal_services", "other_org")

APPLICATIONS = Table(
    id="applications",
    title="三、收到和处理政府信息公开申请情况",
    columns=(
        Column("natural_person", "自然人"),
        Column("commercial", "商业企业"),
        Column("research", "科研机构"),
        Column("nonprofit", "社会公益组织"),
        Column("legal_services", "法律服务机构"),
        Column("other_org", "其他"),
        Column("total", "总计"),
    ),
    groups=(
        Group("results", "三、本年度办理结果"),
        Group("denied", "（三）不予公开", parent="results"),
        Group("unable", "（四）无法提供", parent="results"),
        Group("ignored", "（五）不予处理", parent="results"),
        Group("other", "（六）其他处理", parent="results"),
    ),
    rows=(
        Row("new_received", "一、本年新收政府信息公开申请数量"),
        Row("carried_over", "二、上年结转政府信息公开申请数量"),
        Row("granted", "（一）予以公开", parent="results"),
        Row("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            parent="results"),
        Row("denied.state_secret", "1.属于国家秘密", parent="denied"),
        Row("denied.prohibited_by_law", "2.其他法律行政法规禁止公开", parent="denied"),
        Row("denied.security_stability", "3.危及“三安全一稳定”", parent="denied"),
        Row("denied.third_party_rights", "4.保护第三方合法权益", parent="denied"),
        Row("denied.internal_affairs", "5.属于三类内部事务信息", parent="denied"),
        Row("denied.process_info", "6.属于四类过程性信息", parent="denied"),
        Row("denied.enforcement_files", "7.属于行政执法案卷", parent="denied"),
        Row("denied.inquiry", "8.属于行政查询事项", parent="denied"),
        Row("unable.not_held", "1.本机关不掌握相关政府信息", parent="unable"),
        Row("unable.needs_creation", "2.没有现成信息需要另行制作", parent="unable"),
        Row("unable.unclear", "3.补正后申请内容仍不明确", parent="unable"),
        Row("ignored.petition", "1.信访举报投诉类申请", parent="ignored"),
        Row("ignored.duplicate", "2.重复申请", parent="ignored"),
        Row("ignored.publication", "3.要求提供公开出版物", parent="ignored"),
        Row("ignored.excessive", "4.无正当理由大量反复申请", parent="ignored"),
        Row("ignored.reconfirm", "5.要求行政机关确认或重新出具已获取信息", parent="ignored"),
        Row("other.no_correction",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", parent="other"),
        Row("other.fee_unpaid",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            parent="other"),
        Row("other.other", "3.其他", parent="other"),
        # Older layout (still printed in 2024): （六） is one row. Same label as the group.
        Row("other", "（六）其他处理", parent="results"),
        Row("total_processed", "（七）总计", parent="results"),
        Row("carried_forward", "四、结转下年度继续办理"),
    ),
)

# （六）其他处理 comes in two layouts: three rows (2021 template) or the single row `other`.
OTHER_SPLIT_ROWS = ("other.no_correction", "other.fee_unpaid", "other.other")
OTHER_SINGLE_ROW = "other"

# Rows whose sum is the total_processed row (identity 2), in template order.
OUTCOME_ROWS = tuple(
    r.id for r in APPLICATIONS.rows
    if r.parent in {"results", "denied", "unable", "ignored", "other"}
    and r.id not in {"total_processed"}
)

REVIEWS_LITIGATION = Table(
    id="reviews_litigation",
    title="四、政府信息公开行政复议、行政诉讼情况",
    columns=(
        Column("upheld", "结果维持"),
        Column("corrected", "结果纠正"),
        Column("other", "其他结果"),
        Column("pending", "尚未审结"),
        Column("total", "总计"),
    ),
    groups=(Group("suit", "行政诉讼"),),
    rows=(
        Row("review", "行政复议"),
        Row("suit_direct", "未经复议直接起诉", parent="suit"),
        Row("suit_after_review", "复议后起诉", parent="suit"),
    ),
)

TABLES: tuple[Table, ...] = (ACTIVE_DISCLOSURE, APPLICATIONS, REVIEWS_LITIGATION)
TABLES_BY_ID = {t.id: t for t in TABLES}


def table_rows(table: Table, other_layout: str = "split") -> tuple[Row, ...]:
    """The rows a found table has: applications drops one of the two （六） layouts."""
    if table is not APPLICATIONS:
        return table.rows
    dropped = {OTHER_SINGLE_ROW} if other_layout == "split" else set(OTHER_SPLIT_ROWS)
    return tuple(r for r in table.rows if r.id not in dropped)
