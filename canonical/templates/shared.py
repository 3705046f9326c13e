"""Tables 三 and 四, which the 2019 and the 2021 templates print alike, with their identities
and the figures of them the body text restates. Ids are the output contract of
../shared/FORMAT.md; labels are the templates' wording, and what rows are matched by."""

from __future__ import annotations

from ..template import Column, Group, Restated, Row, SumIdentity, TableSpec

# In table 二 of both templates, a row starting 信息内容 names the columns of the rows below it.
HEADER_KEY = "信息内容"

APPLICANT_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "nonprofit",
    "legal_services",
    "other_org",
)

APPLICATIONS = TableSpec(
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
    # （六）其他处理 as three rows (the 2021 template), or as the single row `other` (the 2019
    # template, and still printed in 2024 reports).
    layouts=("split", "single"),
    rows=(
        Row("new_received", "一、本年新收政府信息公开申请数量"),
        Row("carried_over", "二、上年结转政府信息公开申请数量"),
        Row("granted", "（一）予以公开", parent="results"),
        Row(
            "partially_granted",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            parent="results",
        ),
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
        Row(
            "other.no_correction",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            parent="other",
            layout="split",
        ),
        Row(
            "other.fee_unpaid",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            parent="other",
            layout="split",
        ),
        Row("other.other", "3.其他", parent="other", layout="split"),
        Row("other", "（六）其他处理", parent="results", layout="single"),  # the group's label
        Row("total_processed", "（七）总计", parent="results"),
        Row("carried_forward", "四、结转下年度继续办理"),
    ),
)

# Rows whose sum is total_processed (identity 2), in template order; each layout has its own.
OUTCOME_ROWS = tuple(
    r.id
    for r in APPLICATIONS.rows
    if r.parent in {"results", "denied", "unable", "ignored", "other"} and r.id != "total_processed"
)

REVIEWS_LITIGATION = TableSpec(
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
    matcher="single_row",  # one data row of 15 numbers under a three-level header
)

# The identities of FORMAT.md, 1 to 4 (5, "every value is a number", holds for every table).
IDENTITIES = (
    SumIdentity(
        "applications.balance",
        "applications",
        "col",
        ("new_received", "carried_over"),
        ("total_processed", "carried_forward"),
        "“{label}”列：本年新收 + 上年结转 = {expected}，"
        "但办理结果总计 + 结转下年度 = {found}，两者应相等。",
    ),
    SumIdentity(
        "applications.outcomes_sum",
        "applications",
        "col",
        OUTCOME_ROWS,
        ("total_processed",),
        "“{label}”列：各项办理结果之和为 {expected}，但“（七）总计”为 {found}。",
    ),
    SumIdentity(
        "applications.row_total",
        "applications",
        "row",
        APPLICANT_COLUMNS,
        ("total",),
        "“{label}”一行：六类申请人之和为 {expected}，但“总计”为 {found}。",
        "“{label}”一行：总计栏空白，但六类申请人之和为 {expected}。",
    ),
    SumIdentity(
        "reviews_litigation.row_total",
        "reviews_litigation",
        "row",
        ("upheld", "corrected", "other", "pending"),
        ("total",),
        "“{label}”一行：维持+纠正+其他+尚未审结为 {expected}，但“总计”为 {found}。",
        "“{label}”一行：总计栏空白，但维持+纠正+其他+尚未审结为 {expected}。",
    ),
)

RESTATED = (
    Restated(r"行政复议(\d+)件", (("reviews_litigation", "review", "total"),)),
    Restated(
        r"行政诉讼的?(\d+)件",
        (
            ("reviews_litigation", "suit_direct", "total"),
            ("reviews_litigation", "suit_after_review", "total"),
        ),
    ),
    Restated(
        r"(?:共受理|新收)[^，。；,;\d]{0,12}?(\d+)件", (("applications", "new_received", "total"),)
    ),
    Restated(r"政府信息公开申请(\d+)件", (("applications", "new_received", "total"),)),
    Restated(r"上年结转[^，。；,;\d]{0,8}?(\d+)件", (("applications", "carried_over", "total"),)),
    Restated(
        r"结转(?:20\d\d年度?|下年度?)?继续办理(\d+)件",
        (("applications", "carried_forward", "total"),),
    ),
)
