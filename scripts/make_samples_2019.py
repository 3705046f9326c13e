"""Make the 2019-template, appended-tables and pre-2019 samples, and the truth files for them.

A. samples/t2019/: three reports in the 2019 template (the one agencies used for their 2019 and
   2020 reports; see "The 2019 template" in ../shared/FORMAT.md). Table 二 has the 2019 layout
   (eight rows under five 第二十条 sub-headers, 本年增/减 signed, 采购总金额 with its unit in the
   cell) and is built here with python-docx; tables 三 and 四 are copied from the blank official
   template (../shared/realdocs/govnianbao, real gridSpan/vMerge merges) with （六）其他处理 turned
   into one row. Each report as a tab-cell text dump (text/), a DOCX (docx/) and a PDF printed by
   LibreOffice (pdf/); report 2 also as an office200 scan of its table pages (scans/).
B. samples/appended/: a 2024 report in the 2021 template whose six narrative sections come first
   and whose three tables are appended at the end under "附：" and the headings 一、二、三.
C. samples/pre2019/: a 2018 report from before the standard tables: figures only in prose and
   one small non-standard table (公开渠道 | 条数). No truth file: the pipeline is to fail it with
   no_standard_tables.

The values are chosen below (not taken from the seeds) and tests/truth/t2019_*.json and
appended_*.json are written from them. Everything written is read back: the DOCX with
python-docx, the text dumps line by line and the PDFs with pdfplumber, comparing every number
in reading order (body text and table cells) with what was meant; the PDFs' text layer must
also hold exactly the DOCX's characters. The identities (勾稽关系) are recomputed from the truth
and must fail exactly where each report says its source is wrong. Any difference: exit 1.

A rerun writes the same bytes (DOCX zip dates fixed, PDF dates and ids normalised as in
make_pdf_samples.py). Needs LibreOffice and the fonts:
    apt-get install -y -qq libreoffice-writer-nogui fonts-noto-cjk fonts-wqy-zenhei
Run (about 10 s):
    .venv/bin/python scripts/make_samples_2019.py
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pdfplumber
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_pdf_samples as pdf_samples  # make_variant (fonts), convert (soffice), normalise
import make_scan_samples as scans  # scan(), LEVELS, inspect()

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT.parent / "shared" / "realdocs" / "govnianbao" / "zwgk_nianbao_template.docx"
T2019 = ROOT / "samples" / "t2019"
APPENDED = ROOT / "samples" / "appended"
PRE2019 = ROOT / "samples" / "pre2019"
TRUTH = ROOT / "tests" / "truth"
PDF_FONT = "WenQuanYi Zen Hei"  # a clean text layer (make_pdf_samples.py prints with it too)
SCAN_LEVEL = "office200"

# A number in body text, and a table cell that holds a value (count, signed change, amount).
NUMBER = re.compile(r"\d+(?:\.\d+)?")
VALUE = re.compile(r"[+\-－]?\d+(?:\.\d+)?(?:万元|元)?")

# ---------------------------------------------------------------- canonical ids (FORMAT.md)

APPLICANTS = (
    "natural_person",
    "commercial",
    "research",
    "nonprofit",
    "legal_services",
    "other_org",
)
APP_COLS = (*APPLICANTS, "total")
OUTCOMES = (
    "granted",
    "partially_granted",
    "denied.state_secret",
    "denied.prohibited_by_law",
    "denied.security_stability",
    "denied.third_party_rights",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_files",
    "denied.inquiry",
    "unable.not_held",
    "unable.needs_creation",
    "unable.unclear",
    "ignored.petition",
    "ignored.duplicate",
    "ignored.publication",
    "ignored.excessive",
    "ignored.reconfirm",
)
OTHER_ROWS = {
    "single": ("other",),
    "split": ("other.no_correction", "other.fee_unpaid", "other.other"),
}
REVIEW_ROWS = ("review", "suit_direct", "suit_after_review")
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")


def outcome_rows(layout):
    return OUTCOMES + OTHER_ROWS[layout]


def application_rows(layout):
    return (
        "new_received",
        "carried_over",
        *outcome_rows(layout),
        "total_processed",
        "carried_forward",
    )


# Table 二 of the 2019 template: (sub-header, column labels, [(row id, label)], column ids).
ITEMS = ("prior_items", "change", "decisions")
ITEM_LABELS = ("上一年项目数量", "本年增/减", "处理决定数量")
ACTIVE_2019 = (
    (
        "第二十条第（一）项",
        ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
        (("rules", "规章"), ("normative_docs", "规范性文件")),
        ("made", "published", "public_total"),
    ),
    (
        "第二十条第（五）项",
        ITEM_LABELS,
        (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
        ITEMS,
    ),
    ("第二十条第（六）项", ITEM_LABELS, (("penalty", "行政处罚"), ("coercion", "行政强制")), ITEMS),
    ("第二十条第（八）项", ITEM_LABELS[:2], (("fees", "行政事业性收费"),), ITEMS[:2]),
    (
        "第二十条第（九）项",
        ("采购项目数量", "采购总金额"),
        (("procurement", "政府集中采购"),),
        ("items", "amount"),
    ),
)
# Table 二 of the 2021 template: the blank template's row label -> (row id, column ids).
ACTIVE_2021 = {
    "规章": ("rules", ("issued", "repealed", "in_force")),
    "行政规范性文件": ("normative_docs", ("issued", "repealed", "in_force")),
    "行政许可": ("licensing", ("decisions",)),
    "行政处罚": ("penalty", ("decisions",)),
    "行政强制": ("coercion", ("decisions",)),
    "行政事业性收费": ("fees", ("amount",)),
}

# ---------------------------------------------------------------- values


def col_sum(values):
    """Sum of a column or row, a blank counting 0; blank (None) when every cell is blank."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def applications(layout, new, carried_over, outcomes, blank=False):
    """Every row of table 三 as six applicant values; total_processed and carried_forward are
    derived so that identities 1 and 2 hold. Outcome rows not given are all 0 (all blank when
    `blank`)."""
    default = [None if blank else 0] * 6
    assert set(outcomes) <= set(outcome_rows(layout)), set(outcomes) - set(outcome_rows(layout))
    rows = {"new_received": new, "carried_over": carried_over}
    rows.update({r: outcomes.get(r, default) for r in outcome_rows(layout)})
    processed = [col_sum(rows[r][i] for r in outcome_rows(layout)) for i in range(6)]
    forward = []
    for n, c, p in zip(new, carried_over, processed):
        empty = all(v is None for v in (n, c, p))
        forward.append(None if empty else (n or 0) + (c or 0) - (p or 0))
        assert forward[-1] is None or forward[-1] >= 0, (new, carried_over, processed)
    rows["total_processed"], rows["carried_forward"] = processed, forward
    return {r: list(rows[r]) for r in application_rows(layout)}


def with_totals(rows, blank_totals=()):
    """Append each row's total (the sum of its cells); blank for the rows in `blank_totals`."""
    return {r: [*v, None if r in blank_totals else col_sum(v)] for r, v in rows.items()}


def reviews(review, suit_direct, suit_after_review):
    return with_totals(dict(zip(REVIEW_ROWS, (review, suit_direct, suit_after_review))))


def printed(value):
    return "" if value is None else str(value)


def cell_value(col, text):
    """A printed table 二 cell -> (truth value, unit printed in the cell)."""
    if text == "":
        return None, None
    if col == "amount":
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(万元|元)?", text)
        return m[1], m[2]
    return int(text.replace("－", "-")), None  # int() takes "+12"; "－" is a full-width minus


# ---------------------------------------------------------------- the reports


@dataclass
class Report:
    name: str  # file stem of every form; the truth file is tests/truth/<name>.json
    template: str  # "2019", "2021" or "2018" (no standard tables, no truth)
    agency: str
    year: int
    blocks: list  # ("title" | "heading" | "body", text) or ("table", table id)
    active: dict = field(default_factory=dict)  # row -> col -> printed text
    applications: dict = field(default_factory=dict)  # row -> 7 values (None = blank)
    reviews: dict = field(default_factory=dict)  # row -> 5 values
    channels: list = field(default_factory=list)  # pre-2019: rows of the small table
    source_errors: list = field(default_factory=list)  # [(rule, where)] the source breaks
    notes: str = ""
    folder: Path = T2019

    def total(self, row):
        return self.applications[row][-1]

    def suits(self):
        return self.reviews["suit_direct"][-1] + self.reviews["suit_after_review"][-1]


def qinghe_county():
    """Report 1: internally consistent; title on two lines; amount written 251000元."""
    layout = "single"
    z = [0] * 6
    apps = applications(
        layout,
        new=[286, 31, 0, 2, 4, 3],
        carried_over=[12, 2, 0, 0, 0, 0],
        outcomes={
            "granted": [112, 14, 0, 1, 2, 1],
            "partially_granted": [23, 3, 0, 0, 1, 0],
            "denied.state_secret": z,
            "denied.prohibited_by_law": [1, 0, 0, 0, 0, 0],
            "denied.third_party_rights": [3, 2, 0, 0, 0, 0],
            "denied.internal_affairs": [2, 0, 0, 0, 0, 0],
            "denied.process_info": [4, 1, 0, 0, 0, 0],
            "denied.enforcement_files": [1, 0, 0, 0, 0, 0],
            "denied.inquiry": [6, 0, 0, 0, 0, 0],
            "unable.not_held": [71, 6, 0, 1, 1, 0],
            "unable.needs_creation": [9, 1, 0, 0, 0, 0],
            "unable.unclear": [5, 0, 0, 0, 0, 0],
            "ignored.petition": [14, 1, 0, 0, 0, 0],
            "ignored.duplicate": [8, 0, 0, 0, 0, 0],
            "ignored.publication": [1, 0, 0, 0, 0, 0],
            "ignored.reconfirm": [2, 0, 0, 0, 0, 0],
            "other": [18, 2, 0, 0, 0, 1],
        },
    )
    r = Report(
        name="t2019_qinghe_county",
        template="2019",
        agency="江苏省清河县人民政府",
        year=2019,
        blocks=[],
        active={
            "rules": {"made": "0", "published": "0", "public_total": "3"},
            "normative_docs": {"made": "12", "published": "12", "public_total": "86"},
            "licensing": {"prior_items": "326", "change": "+12", "decisions": "15836"},
            "other_services": {"prior_items": "41", "change": "-3", "decisions": "2208"},
            "penalty": {"prior_items": "2117", "change": "0", "decisions": "3542"},
            "coercion": {"prior_items": "52", "change": "0", "decisions": "64"},
            "fees": {"prior_items": "23", "change": "-2"},
            "procurement": {"items": "4", "amount": "251000元"},
        },
        applications=with_totals(apps),
        reviews=reviews([3, 1, 0, 1], [2, 0, 1, 0], [1, 0, 0, 0]),
        notes="Internally consistent: every identity of FORMAT.md holds. Title on two lines "
        "(agency, then year and title). 采购总金额 printed as 251000元 (unit 元 in the cell).",
    )
    r.blocks = [
        ("title", "江苏省清河县人民政府"),
        ("title", "2019年政府信息公开工作年度报告"),
        (
            "body",
            "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定，由清河县"
            "人民政府办公室编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请"
            "情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
            "本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。",
        ),
        ("heading", "一、总体情况"),
        (
            "body",
            "2019年，清河县人民政府认真贯彻落实新修订的《条例》，围绕县委、县政府中心工作，以公开"
            "促落实、以公开促规范、以公开促服务，推动政务公开工作取得新进展。",
        ),
        (
            "body",
            "全年通过县政府门户网站主动公开政府信息4826条，发布政策解读41篇，召开新闻发布会12场。"
            f"全年共受理政府信息公开申请{r.total('new_received')}件，均在法定期限内作出答复。"
            f"本年度因政府信息公开引发行政复议{r.reviews['review'][-1]}件、行政诉讼{r.suits()}件。",
        ),
        (
            "body",
            "县政府办公室作为全县政务公开工作主管部门，调整充实了政务公开工作领导小组，明确各乡镇、"
            "各部门分管负责人和工作人员，形成了一级抓一级的工作格局。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        ("table", "active"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("table", "applications"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "reviews"),
        ("heading", "五、存在的主要问题及改进情况"),
        (
            "body",
            "2019年，我县政府信息公开工作取得了一定成效，但仍存在一些不足：一是部分乡镇和部门对新"
            "修订的《条例》理解不够深入，主动公开的及时性有待提高；二是政策解读形式较为单一，图解、"
            "视频等解读比例偏低。2020年，我县将加强业务培训，建立政务公开工作考核机制，进一步丰富"
            "政策解读形式，提升公开质量。",
        ),
        ("heading", "六、其他需要报告的事项"),
        ("body", "本年度未收取信息处理费。无其他需要报告的事项。"),
    ]
    return r


def qinghe_transport():
    """Report 2: balance broken by 2 in natural_person; one-line title; amount 35.6万元."""
    layout = "single"
    apps = applications(
        layout,
        new=[58, 17, 0, 0, 1, 2],
        carried_over=[3, 1, 0, 0, 0, 0],
        outcomes={
            "granted": [21, 9, 0, 0, 1, 1],
            "partially_granted": [4, 1, 0, 0, 0, 0],
            "denied.third_party_rights": [1, 0, 0, 0, 0, 0],
            "denied.process_info": [2, 0, 0, 0, 0, 0],
            "unable.not_held": [15, 4, 0, 0, 0, 1],
            "unable.needs_creation": [2, 0, 0, 0, 0, 0],
            "unable.unclear": [1, 1, 0, 0, 0, 0],
            "ignored.petition": [4, 0, 0, 0, 0, 0],
            "ignored.duplicate": [2, 0, 0, 0, 0, 0],
            "other": [3, 1, 0, 0, 0, 0],
        },
    )
    apps = with_totals(apps)
    # The source error: 结转下年度继续办理 for 自然人 printed 2 too high, and its row total with
    # it (so the row still adds up, and the 总计 column's balance fails by 2 as well).
    apps["carried_forward"][0] += 2
    apps["carried_forward"][-1] += 2
    r = Report(
        name="t2019_qinghe_transport",
        template="2019",
        agency="清河县交通运输局",
        year=2020,
        blocks=[],
        active={
            "rules": {"made": "0", "published": "0", "public_total": "0"},
            "normative_docs": {"made": "3", "published": "3", "public_total": "17"},
            "licensing": {"prior_items": "28", "change": "+3", "decisions": "4127"},
            "other_services": {"prior_items": "12", "change": "0", "decisions": "356"},
            "penalty": {"prior_items": "96", "change": "+1036", "decisions": "1873"},
            "coercion": {"prior_items": "9", "change": "－3", "decisions": "41"},
            "fees": {"prior_items": "4", "change": "-1"},
            "procurement": {"items": "11", "amount": "35.6万元"},
        },
        applications=apps,
        reviews=reviews([1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]),
        source_errors=[
            ("applications.balance", "col=natural_person"),
            ("applications.balance", "col=total"),
        ],
    )
    t = {row: apps[row][-1] for row in apps}
    r.notes = (
        "Source error: identity 1 (balance) fails in column natural_person by 2: new_received "
        f"{apps['new_received'][0]} + carried_over {apps['carried_over'][0]} = "
        f"{apps['new_received'][0] + apps['carried_over'][0]}, but total_processed "
        f"{apps['total_processed'][0]} + carried_forward {apps['carried_forward'][0]} = "
        f"{apps['total_processed'][0] + apps['carried_forward'][0]} (自然人 结转下年度 printed "
        f"{apps['carried_forward'][0]} where {apps['carried_forward'][0] - 2} would balance). "
        "The row total of carried_forward is printed consistently with it, so column total "
        f"fails by the same 2: {t['new_received']} + {t['carried_over']} = "
        f"{t['new_received'] + t['carried_over']} vs {t['total_processed']} + "
        f"{t['carried_forward']} = {t['total_processed'] + t['carried_forward']}. Every other "
        "identity holds. Title on one line. 采购总金额 printed 35.6万元; 本年增/减 of 行政处罚 "
        "+1036, of 行政强制 －3 with a full-width minus."
    )
    r.blocks = [
        ("title", "清河县交通运输局2020年政府信息公开工作年度报告"),
        (
            "body",
            "根据《中华人民共和国政府信息公开条例》规定，现公布清河县交通运输局2020年政府信息公开"
            "工作年度报告。本报告中所列数据的统计期限为2020年1月1日至2020年12月31日。如对本报告"
            "有疑问，请与清河县交通运输局办公室联系（电话：0517-86012345）。",
        ),
        ("heading", "一、总体情况"),
        (
            "body",
            "2020年，清河县交通运输局在县委、县政府的正确领导下，紧紧围绕疫情防控和交通运输重点"
            "工作，认真落实政府信息公开各项要求，不断提升政务公开质量。",
        ),
        (
            "body",
            "全年在局门户网站主动公开各类信息652条，其中疫情防控相关信息87条。全年共受理政府信息"
            f"公开申请{r.total('new_received')}件，申请内容主要集中在道路建设征地补偿、客运线路调整"
            f"等方面。本年度因政府信息公开引发行政复议{r.reviews['review'][-1]}件、行政诉讼"
            f"{r.suits()}件。",
        ),
        (
            "body",
            "进一步规范依申请公开办理流程，实行登记、审核、答复全程留痕，确保答复内容准确、程序合法。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        ("table", "active"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("table", "applications"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "reviews"),
        ("heading", "五、存在的主要问题及改进情况"),
        (
            "body",
            "一是信息公开的主动性有待加强，部分业务科室对公开工作重视不够；二是政策解读的针对性不强。"
            "下一步，我局将加强对《条例》的学习培训，完善信息发布审核机制，围绕群众关心的交通出行"
            "热点问题做好政策解读。",
        ),
        ("heading", "六、其他需要报告的事项"),
        ("body", "本年度未收取信息处理费。无其他需要报告的事项。"),
    ]
    return r


def hexi_street():
    """Report 3: many blank cells, two blank row totals; amount a bare number."""
    layout = "single"
    n = None
    apps = applications(
        layout,
        new=[19, 4, n, n, n, 1],
        carried_over=[2, 1, n, n, n, n],
        outcomes={
            "granted": [9, 2, n, n, n, 1],
            "partially_granted": [1, n, n, n, n, n],
            "denied.third_party_rights": [1, n, n, n, n, n],
            "unable.not_held": [5, 1, n, n, n, n],
            "unable.needs_creation": [1, 0, n, n, n, n],
            "unable.unclear": [0, 0, n, n, n, n],
            "ignored.petition": [1, n, n, n, n, n],
            "ignored.duplicate": [0, 0, n, n, n, 0],
            "other": [1, 1, n, n, n, n],
        },
        blank=True,
    )
    # The source omission: 上年结转 and 结转下年度 have their applicant cells but no 总计. Both
    # come to 3, so the 总计 column still balances when blanks count as 0.
    apps = with_totals(apps, blank_totals=("carried_over", "carried_forward"))
    r = Report(
        name="t2019_hexi_street",
        template="2019",
        agency="清河县河西街道办事处",
        year=2019,
        blocks=[],
        active={
            "rules": {"made": "", "published": "", "public_total": ""},
            "normative_docs": {"made": "2", "published": "2", "public_total": "5"},
            "licensing": {"prior_items": "3", "change": "0", "decisions": "126"},
            "other_services": {"prior_items": "", "change": "", "decisions": ""},
            "penalty": {"prior_items": "5", "change": "+2", "decisions": "37"},
            "coercion": {"prior_items": "", "change": "", "decisions": ""},
            "fees": {"prior_items": "", "change": ""},
            "procurement": {"items": "3", "amount": "48600"},
        },
        applications=apps,
        reviews=reviews([1, n, n, n], [n, n, n, n], [n, n, n, n]),
        source_errors=[
            ("applications.row_total", "row=carried_over"),
            ("applications.row_total", "row=carried_forward"),
        ],
        notes="Many blank cells (printed empty, not 0; null here): the research, nonprofit and "
        "legal_services columns, most denied.* rows, the two suit rows of table 四, and table 二 "
        "rows rules, other_services, coercion and fees. Source omission: the total cell of "
        "carried_over (applicants 2+1 = 3) and of carried_forward (2+1+0 = 3) is blank while "
        "their applicant cells are not, so applications.row_total fails for those two rows. "
        "Every other identity holds when a blank counts as 0 (the 总计 column balances: 24 + "
        "blank = 24 + blank). 采购总金额 printed as a bare 48600 with no unit.",
    )
    r.blocks = [
        ("title", "清河县河西街道办事处"),
        ("title", "2019年政府信息公开工作年度报告"),
        (
            "body",
            "本报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据统计期限为2019年1月1日至"
            "2019年12月31日。",
        ),
        ("heading", "一、总体情况"),
        (
            "body",
            "2019年，河西街道办事处认真贯彻落实新修订的《条例》，结合基层政务公开标准化规范化试点"
            "工作，不断完善公开目录，规范公开流程。",
        ),
        (
            "body",
            "全年通过县政府门户网站街道专栏和街道公开栏公开信息213条。全年共受理政府信息公开申请"
            f"{r.total('new_received')}件，主要涉及房屋征收补偿和低保救助等事项。本年度因政府信息"
            f"公开引发行政复议{r.reviews['review'][-1]}件，无行政诉讼。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        ("table", "active"),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("table", "applications"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "reviews"),
        ("heading", "五、存在的主要问题及改进情况"),
        (
            "body",
            "街道政务公开工作人员均为兼职，业务能力有待提升；公开内容与群众需求结合不够紧密。下一步"
            "将加强业务培训，围绕群众关心的征收补偿、社会救助等事项细化公开内容。",
        ),
        ("heading", "六、其他需要报告的事项"),
        ("body", "无其他需要报告的事项。"),
    ]
    return r


def appended_natural_resources():
    """B: 2021 template, 2024; narrative sections first, the three tables appended after."""
    layout = "split"
    z = [0] * 6
    apps = applications(
        layout,
        new=[64, 22, 1, 0, 3, 2],
        carried_over=[5, 2, 0, 0, 0, 0],
        outcomes={
            "granted": [24, 9, 1, 0, 1, 1],
            "partially_granted": [6, 2, 0, 0, 1, 0],
            "denied.state_secret": z,
            "denied.prohibited_by_law": [1, 0, 0, 0, 0, 0],
            "denied.third_party_rights": [2, 1, 0, 0, 0, 0],
            "denied.process_info": [3, 0, 0, 0, 0, 0],
            "denied.enforcement_files": [1, 0, 0, 0, 0, 0],
            "denied.inquiry": [2, 0, 0, 0, 0, 0],
            "unable.not_held": [13, 4, 0, 0, 1, 1],
            "unable.needs_creation": [2, 1, 0, 0, 0, 0],
            "unable.unclear": [1, 0, 0, 0, 0, 0],
            "ignored.petition": [3, 0, 0, 0, 0, 0],
            "ignored.duplicate": [2, 0, 0, 0, 0, 0],
            "ignored.excessive": [1, 0, 0, 0, 0, 0],
            "ignored.reconfirm": [1, 0, 0, 0, 0, 0],
            "other.no_correction": [2, 1, 0, 0, 0, 0],
            "other.other": [1, 0, 0, 0, 0, 0],
        },
    )
    r = Report(
        name="appended_qinghe_natural_resources",
        template="2021",
        agency="清河县自然资源和规划局",
        year=2024,
        blocks=[],
        active={
            "rules": {"issued": "0", "repealed": "0", "in_force": "0"},
            "normative_docs": {"issued": "4", "repealed": "1", "in_force": "23"},
            "licensing": {"decisions": "1382"},
            "penalty": {"decisions": "157"},
            "coercion": {"decisions": "12"},
            "fees": {"amount": "86.4275"},
        },
        applications=with_totals(apps),
        reviews=reviews([2, 1, 0, 1], [1, 0, 0, 1], [1, 0, 0, 0]),
        notes="Internally consistent 2021-template tables (（六） as three rows), appended after "
        "the six narrative sections under 附： and the headings 一、二、三; the narrative sections "
        "二、三、四 carry no table but restate figures of the tables (consistently).",
        folder=APPENDED,
    )
    a = r.active
    r.blocks = [
        ("title", "清河县自然资源和规划局2024年政府信息公开工作年度报告"),
        (
            "body",
            "本报告根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室"
            "关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
            "要求编制。报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
        ),
        ("heading", "一、总体情况"),
        (
            "body",
            "2024年，清河县自然资源和规划局围绕国土空间规划、耕地保护、不动产登记等重点领域，全面"
            "推进政务公开工作。",
        ),
        (
            "body",
            "（一）主动公开。全年在局门户网站发布各类信息1046条，其中国土空间规划信息58条、建设用地"
            "审批信息126条、征地信息93条。",
        ),
        (
            "body",
            "（二）依申请公开。严格执行依申请公开办理程序，健全登记、审核、答复、归档全流程台账。",
        ),
        ("body", "（三）政府信息管理。严格落实公开前保密审查制度，全年未发生泄密事件。"),
        ("body", "（四）平台建设。优化门户网站信息公开专栏设置，更新完善政府信息公开指南和目录。"),
        ("body", "（五）监督保障。将政务公开工作纳入局机关年度考核，开展业务培训2次。"),
        ("heading", "二、主动公开政府信息情况"),
        (
            "body",
            f"本年度制发行政规范性文件{a['normative_docs']['issued']}件，废止"
            f"{a['normative_docs']['repealed']}件，现行有效{a['normative_docs']['in_force']}件；"
            f"作出行政许可决定{a['licensing']['decisions']}件、行政处罚决定"
            f"{a['penalty']['decisions']}件、行政强制决定{a['coercion']['decisions']}件；收取"
            f"行政事业性收费{a['fees']['amount']}万元。具体情况见附表一。",
        ),
        ("heading", "三、收到和处理政府信息公开申请情况"),
        (
            "body",
            f"本年度新收政府信息公开申请{r.total('new_received')}件，上年结转"
            f"{r.total('carried_over')}件；办结{r.total('total_processed')}件，其中予以公开"
            f"{r.total('granted')}件、部分公开{r.total('partially_granted')}件；结转下年度继续办理"
            f"{r.total('carried_forward')}件。具体情况见附表二。",
        ),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"),
        (
            "body",
            f"本年度发生政府信息公开行政复议{r.reviews['review'][-1]}件、行政诉讼{r.suits()}件，"
            "具体情况见附表三。",
        ),
        ("heading", "五、存在的主要问题及改进情况"),
        (
            "body",
            "一是部分业务科室信息发布不够及时；二是政策解读形式较为单一。下一步，我局将压实公开"
            "责任，丰富图解、视频等解读形式，提升公开实效。",
        ),
        ("heading", "六、其他需要报告的事项"),
        ("body", "本年度未收取信息处理费。无其他需要报告的事项。"),
        ("heading", "附："),
        ("heading", "一、主动公开政府信息情况"),
        ("table", "active"),
        ("heading", "二、收到和处理政府信息公开申请情况"),
        ("table", "applications"),
        ("heading", "三、政府信息公开行政复议、行政诉讼情况"),
        ("table", "reviews"),
        ("body", "清河县自然资源和规划局"),
        ("body", "2025年1月20日"),
    ]
    return r


def pre2019_county():
    """C: a 2018 report in the old (2008 条例) outline; figures in prose, no standard tables."""
    channels = [("政府门户网站", 1523), ("政务微博", 418), ("政务微信", 602), ("政府公报", 12)]
    r = Report(
        name="pre2019_qinghe_county_2018",
        template="2018",
        agency="清河县人民政府",
        year=2018,
        blocks=[],
        channels=[("公开渠道", "条数"), *((label, str(n)) for label, n in channels)],
        folder=PRE2019,
    )
    r.blocks = [
        ("title", "清河县人民政府2018年政府信息公开工作年度报告"),
        (
            "body",
            "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由清河县人民政府"
            "办公室根据全县各乡镇、各部门政府信息公开工作情况编制。报告中所列数据统计期限自2018年"
            "1月1日起至2018年12月31日止。",
        ),
        ("heading", "一、概述"),
        (
            "body",
            "2018年，我县认真贯彻落实《条例》和省、市关于政务公开工作的部署要求，以重点领域信息公开"
            "为抓手，进一步健全政务公开工作机制。",
        ),
        ("heading", "二、主动公开政府信息情况"),
        (
            "body",
            f"全年共主动公开政府信息{sum(n for _, n in channels)}条。其中，通过县政府门户网站公开"
            "1523条，通过政务微博公开418条，通过政务微信公开602条，通过《清河政报》公开12期。各渠道"
            "公开情况如下：",
        ),
        ("table", "channels"),
        ("heading", "三、依申请公开政府信息情况"),
        (
            "body",
            "全年共受理政府信息公开申请35件，其中当面申请6件、网络申请21件、信函申请8件。已全部办结，"
            "其中同意公开19件，同意部分公开4件，不予公开2件，信息不存在7件，非本机关掌握3件。",
        ),
        ("heading", "四、政府信息公开的收费及减免情况"),
        ("body", "本年度未收取政府信息公开检索、复制、邮寄等费用。"),
        ("heading", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("body", "全年发生因政府信息公开申请提起行政复议2件、行政诉讼1件，均已审结，维持原答复。"),
        ("heading", "六、存在的主要问题及改进措施"),
        (
            "body",
            "我县政府信息公开工作还存在公开内容不够全面、更新不够及时等问题。2019年，我县将认真贯彻"
            "新修订的《条例》，健全工作机制，加强督促检查，推动政府信息公开工作再上新台阶。",
        ),
        ("heading", "七、其他需要报告的事项"),
        ("body", "无。"),
    ]
    return r


# ---------------------------------------------------------------- identities (FORMAT.md)


def identity_failures(r):
    """The identities 1-4 that fail on the printed values, a blank counting 0."""
    layout = "split" if r.template == "2021" else "single"
    apps = {row: [v or 0 for v in vals] for row, vals in r.applications.items()}
    out = []
    for i, col in enumerate(APP_COLS):
        lhs = apps["new_received"][i] + apps["carried_over"][i]
        if lhs != apps["total_processed"][i] + apps["carried_forward"][i]:
            out.append(("applications.balance", f"col={col}"))
    for i, col in enumerate(APP_COLS):
        if sum(apps[row][i] for row in outcome_rows(layout)) != apps["total_processed"][i]:
            out.append(("applications.outcomes_sum", f"col={col}"))
    for row, vals in apps.items():
        if sum(vals[:6]) != vals[6]:
            out.append(("applications.row_total", f"row={row}"))
    for row, vals in r.reviews.items():
        if sum(v or 0 for v in vals[:4]) != (vals[4] or 0):
            out.append(("reviews_litigation.row_total", f"row={row}"))
    return out


# ---------------------------------------------------------------- DOCX: text and cells


def tc_text(tc):
    return "\n".join(
        "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iterchildren(qn("w:p"))
    ).strip()


def set_text(tc, text, center=True):
    """Make `text` the cell's only content (one paragraph)."""
    paragraphs = tc.findall(qn("w:p"))
    for extra in paragraphs[1:]:
        tc.remove(extra)
    set_paragraph_text(paragraphs[0], text, center)


def set_paragraph_text(p, text, center=True):
    """Make `text` the paragraph's only run, keeping the look of its first run (or, in an
    empty template cell, of its paragraph mark)."""
    runs = p.findall(qn("w:r"))
    for run in runs[1:]:
        p.remove(run)
    if runs:
        run = runs[0]
        for child in list(run):
            if child.tag != qn("w:rPr"):
                run.remove(child)
    else:
        run = OxmlElement("w:r")
        mark = p.find(qn("w:pPr") + "/" + qn("w:rPr"))
        if mark is not None:
            run.append(copy.deepcopy(mark))
        p.append(run)
    if center:
        p.get_or_add_pPr().jc_val = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        t = OxmlElement("w:t")
        t.text = text
        run.append(t)


class Builder:
    """A report DOCX built on the blank official template: its page setup, styles, paragraph
    looks (title, heading, body) and its three tables."""

    def __init__(self):
        self.document = docx.Document(str(TEMPLATE))
        body = self.document.element.body
        by_text = {
            "".join(t.text or "" for t in p.iter(qn("w:t"))): p for p in body.iter(qn("w:p"))
        }
        self.looks = {
            "title": by_text["政府信息公开工作年度报告格式模板"],
            "heading": by_text["一、总体情况"],
            "body": by_text["（文字描述）"],
        }
        self.looks = {k: copy.deepcopy(v) for k, v in self.looks.items()}
        self.tables = [copy.deepcopy(t._tbl) for t in self.document.tables]
        self.sect_pr = body.find(qn("w:sectPr"))
        for child in list(body):
            if child is not self.sect_pr:
                body.remove(child)

    def paragraph(self, kind, text):
        p = copy.deepcopy(self.looks[kind])
        set_paragraph_text(p, text, center=kind == "title")
        if kind == "title" and len(text) > 20:  # agency, year and title on one printed line
            for size in p.find(qn("w:r")).iter(qn("w:sz"), qn("w:szCs")):
                size.set(qn("w:val"), "30")  # 15 pt, from the template title's 18 pt
        self.sect_pr.addprevious(p)

    def template_table(self, index):
        tbl = copy.deepcopy(self.tables[index])
        self.sect_pr.addprevious(tbl)
        return tbl

    def save(self, path, title):
        self.document.core_properties.title = title
        for el in self.document.element.body.iter():  # copies of template paragraphs
            for attr in [a for a in el.attrib if a.endswith(("}paraId", "}textId"))]:
                del el.attrib[attr]
        path.parent.mkdir(parents=True, exist_ok=True)
        self.document.save(str(path))
        fix_zip_dates(path)


def fix_zip_dates(path):
    """python-docx stamps every zip entry with the current time: rewrite them with a fixed one,
    so that a rerun writes the same bytes."""
    with zipfile.ZipFile(path) as z:
        entries = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


# ---------------------------------------------------------------- DOCX: the tables


def grid_table(builder, rows, widths, shaded=()):
    """A bordered table built with python-docx: rows of (text, grid columns spanned), merged
    with cell.merge (which writes w:gridSpan). Rows whose index is in `shaded` get the template's
    sub-header fill."""
    table = builder.document.add_table(rows=len(rows), cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for k, v in (("val", "single"), ("sz", "8"), ("space", "0"), ("color", "000000")):
            line.set(qn(f"w:{k}"), v)
        borders.append(line)
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )
    for col, width in zip(table.columns, widths):
        col.width = Twips(width)
    for r, spec in enumerate(rows):
        row = table.rows[r]
        row.height = Twips(400)
        for i, cell in enumerate(row.cells):
            cell.width = Twips(widths[i])
        grid = 0
        for text, span in spec:
            cell = table.cell(r, grid)
            if span > 1:
                cell = cell.merge(table.cell(r, grid + span - 1))
            write_cell(cell, text, shade=r in shaded)
            grid += span
        assert grid == len(widths), spec
    return table._tbl


def write_cell(cell, text, shade=False):
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        run = p.add_run(text)
        run.font.size = Pt(10.5)
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    if shade:
        shd = OxmlElement("w:shd")
        for k, v in (("val", "clear"), ("color", "auto"), ("fill", "C6D9F1")):
            shd.set(qn(f"w:{k}"), v)
        cell._tc.get_or_add_tcPr().append(shd)


def active_2019_rows(values):
    """Table 二 of the 2019 template as rows of (text, span): a value in the last of fewer
    than three columns spans two grid columns."""
    rows, shaded = [], []
    for head, labels, items, cols in ACTIVE_2019:
        last = 2 if len(cols) == 2 else 1
        shaded.append(len(rows))
        rows.append([(head, 4)])
        rows.append([("信息内容", 1), *((t, 1) for t in labels[:-1]), (labels[-1], last)])
        for row_id, label in items:
            texts = [values[row_id][c] for c in cols]
            rows.append([(label, 1), *((t, 1) for t in texts[:-1]), (texts[-1], last)])
    return rows, shaded


def applications_table(builder, values, layout):
    """Table 三 from the blank template; for the 2019 layout the three （六） rows become one
    row （六）其他处理, made from the （七）总计 row (same merges: the 三、 column continues, the
    label spans two grid columns)."""
    tbl = builder.template_table(1)
    trs = tbl.findall(qn("w:tr"))
    if layout == "single":
        i = next(k for k, tr in enumerate(trs) if "（六）其他处理" in [tc_text(tc) for tc in tr])
        total_row = trs[i + 3]
        assert "（七）总计" in [tc_text(tc) for tc in total_row]
        other = copy.deepcopy(total_row)
        set_text(other.findall(qn("w:tc"))[1], "（六）其他处理", center=False)
        total_row.addprevious(other)
        for tr in trs[i : i + 3]:
            tbl.remove(tr)
        trs = tbl.findall(qn("w:tr"))
    data = trs[3:]  # under the three header rows
    assert len(data) == len(application_rows(layout)), len(data)
    for tr, row in zip(data, application_rows(layout)):
        for tc, v in zip(tr.findall(qn("w:tc"))[-7:], values[row]):
            set_text(tc, printed(v))


def reviews_table(builder, values):
    tbl = builder.template_table(2)
    cells = tbl.findall(qn("w:tr"))[-1].findall(qn("w:tc"))
    flat = [v for row in REVIEW_ROWS for v in values[row]]
    assert len(cells) == len(flat) == 15
    for tc, v in zip(cells, flat):
        set_text(tc, printed(v))


def active_2021_table(builder, values):
    tbl = builder.template_table(0)
    filled = set()
    for tr in tbl.findall(qn("w:tr")):
        tcs = tr.findall(qn("w:tc"))
        label = tc_text(tcs[0])
        if label in ACTIVE_2021:
            row, cols = ACTIVE_2021[label]
            for tc, col in zip(tcs[-len(cols) :], cols):
                set_text(tc, values[row][col])
            filled.add(row)
    assert len(filled) == len(ACTIVE_2021)


def make_docx(r, path):
    b = Builder()
    for kind, content in r.blocks:
        if kind != "table":
            b.paragraph(kind, content)
        elif content == "active" and r.template == "2019":
            rows, shaded = active_2019_rows(r.active)
            grid_table(b, rows, (2606, 1900, 1900, 1900), shaded)
        elif content == "active":
            active_2021_table(b, r.active)
        elif content == "applications":
            applications_table(b, r.applications, "split" if r.template == "2021" else "single")
        elif content == "reviews":
            reviews_table(b, r.reviews)
        elif content == "channels":
            grid_table(b, [[(a, 1), (n, 1)] for a, n in r.channels], (3000, 2000), shaded=(0,))
    b.save(path, "".join(t for k, t in r.blocks if k == "title"))


# ---------------------------------------------------------------- the text dump


def dump_text(docx_path):
    """The tab-cell dump of a DOCX, as the seeds are written: one line a paragraph; in a table a
    line starting with a tab opens a cell (further lines of it follow without one), a bare empty
    line ends a row. A merged cell is written once, a vertical merge's continuation as an
    empty cell."""
    lines = []
    for el in docx.Document(str(docx_path)).element.body.iterchildren():
        if el.tag == qn("w:p"):
            lines += ["".join(t.text or "" for t in el.iter(qn("w:t"))), ""]
        elif el.tag == qn("w:tbl"):
            for tr in el.iterchildren(qn("w:tr")):
                for tc in tr.iterchildren(qn("w:tc")):
                    text = "\n".join(line for line in tc_text(tc).split("\n") if line)
                    lines.append("\t" + text)
                lines.append("")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- reading back


def norm(text):
    return re.sub(r"\s+", "", text or "")


def cell_token(text):
    text = norm(text)
    return [text] if VALUE.fullmatch(text) else []


def expected_tokens(r):
    """Every number of the report in reading order: body numbers, then table values."""
    out = []
    for kind, content in r.blocks:
        if kind != "table":
            out += NUMBER.findall(content)
        elif content == "active":
            out += [
                t
                for row, cols in active_order(r.template)
                for t in (r.active[row][c] for c in cols)
                if t
            ]
        elif content == "applications":
            out += [printed(v) for row in r.applications.values() for v in row if v is not None]
        elif content == "reviews":
            out += [printed(v) for row in r.reviews.values() for v in row if v is not None]
        elif content == "channels":
            out += [n for _, n in r.channels if VALUE.fullmatch(n)]
    return out


def active_order(template):
    """Table 二's (row id, column ids) in printed order."""
    if template == "2019":
        return [(row, cols) for _, _, items, cols in ACTIVE_2019 for row, _ in items]
    return list(ACTIVE_2021.values())


def docx_tokens(path):
    out = []
    for el in docx.Document(str(path)).element.body.iterchildren():
        if el.tag == qn("w:p"):
            out += NUMBER.findall("".join(t.text or "" for t in el.iter(qn("w:t"))))
        elif el.tag == qn("w:tbl"):
            out += [tok for tc in el.iter(qn("w:tc")) for tok in cell_token(tc_text(tc))]
    return out


def grid_problems(path):
    """Every row covers the whole grid, and every vMerge continue has a cell above it."""
    problems = []
    for n, table in enumerate(docx.Document(str(path)).tables, 1):
        width = len(table._tbl.find(qn("w:tblGrid")))
        open_cols = set()
        for r, tr in enumerate(table._tbl.iterchildren(qn("w:tr"))):
            grid = 0
            for tc in tr.iterchildren(qn("w:tc")):
                pr = tc.find(qn("w:tcPr"))
                span = pr.find(qn("w:gridSpan")) if pr is not None else None
                vm = pr.find(qn("w:vMerge")) if pr is not None else None
                span = int(span.get(qn("w:val"))) if span is not None else 1
                if vm is not None and vm.get(qn("w:val")) in (None, "continue"):
                    if grid not in open_cols:
                        problems.append(f"table {n} row {r}: vMerge continue with nothing above")
                else:
                    open_cols.discard(grid)
                    if vm is not None:
                        open_cols.add(grid)
                grid += span
            if grid != width:
                problems.append(f"table {n} row {r}: covers {grid} of {width} grid columns")
    return problems


def text_tokens(path):
    """Numbers of a text dump in reading order: body lines' numbers, value cells."""
    out, cell = [], None
    for line in [*path.read_text(encoding="utf-8").split("\n"), ""]:
        if line.startswith("\t") or line == "" or cell is None:
            if cell is not None:
                out += cell_token(cell)
                cell = None
            if line.startswith("\t"):
                cell = line[1:]
            elif line:
                out += NUMBER.findall(line)
        else:
            cell += "\n" + line
    return out


TABLE_STARTS = (("active", "信息内容"), ("applications", "申请人情况"), ("reviews", "行政复议"))


def pdf_read(path):
    """(page count, numbers in reading order, {table: [pages]}, printed characters).

    Per page the body lines outside the tables and the tables themselves are read top to
    bottom; a table's value cells row by row. A table piece starts the next of the three tables
    when it holds that table's first header, and continues the current one otherwise."""
    tokens, where, chars = [], {}, []
    current = -1
    with pdfplumber.open(str(path)) as pdf:
        pages = len(pdf.pages)
        for page in pdf.pages:
            chars += [c["text"] for c in page.chars]
            found = page.find_tables()
            rest = page
            for t in found:
                rest = rest.outside_bbox(t.bbox)
            items = [(line["top"], line["text"], None) for line in rest.extract_text_lines()]
            items += [(t.bbox[1], None, t.extract()) for t in found]
            for _, line, rows in sorted(items, key=lambda item: item[0]):
                if rows is None:
                    tokens += NUMBER.findall(line)
                    continue
                texts = [norm(c) for row in rows for c in row if c]
                nxt = current + 1
                if nxt < len(TABLE_STARTS) and TABLE_STARTS[nxt][1] in texts:
                    current = nxt
                name = TABLE_STARTS[current][0] if current >= 0 else "?"
                where.setdefault(name, []).append(page.page_number)
                tokens += [tok for text in texts for tok in cell_token(text)]
    where = {k: sorted(set(v)) for k, v in where.items()}
    return pages, tokens, where, norm("".join(chars))


def docx_chars(path):
    body = docx.Document(str(path)).element.body
    return norm("".join(t.text or "" for t in body.iter(qn("w:t"))))


def compare(label, want, got):
    """[] if the two number sequences are equal, else a line saying where they part."""
    if want == got:
        return []
    diff = [
        f"{op} want {want[i1:i2]} got {got[j1:j2]}"
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=want, b=got).get_opcodes()
        if op != "equal"
    ]
    return [f"{label}: numbers differ: " + "; ".join(diff[:5])]


# ---------------------------------------------------------------- truth


def truth(r, files):
    units, active = {}, {}
    for row, cols in r.active.items():
        active[row] = {}
        for col, text in cols.items():
            value, unit = cell_value(col, text)
            active[row][col] = value
            if unit:
                units[f"active_disclosure.{row}.{col}"] = unit
    return {
        "id": r.name,
        "files": [f.relative_to(ROOT).as_posix() for f in files],
        "template": r.template,
        "agency": r.agency,
        "year": r.year,
        "active_disclosure": active,
        "applications": {row: dict(zip(APP_COLS, vals)) for row, vals in r.applications.items()},
        "reviews_litigation": {
            row: dict(zip(REVIEW_COLS, vals)) for row, vals in r.reviews.items()
        },
        "units": units,
        "source_errors": [{"rule": rule, "where": where} for rule, where in r.source_errors],
        "notes": r.notes,
    }


# ---------------------------------------------------------------- main


def pdf_name(r):
    return (r.folder / "pdf" if r.folder == T2019 else r.folder) / f"{r.name}.pdf"


def docx_name(r):
    return (r.folder / "docx" if r.folder == T2019 else r.folder) / f"{r.name}.docx"


def text_name(r):
    return (r.folder / "text" if r.folder == T2019 else r.folder) / f"{r.name}.txt"


def print_pdfs(reports, work):
    """Print every report with tables through LibreOffice, in WenQuanYi Zen Hei."""
    (work / "docx").mkdir()
    (work / "pdf").mkdir()
    sources = []
    for r in reports:
        variant = work / "docx" / f"{r.name}.docx"
        pdf_samples.make_variant(docx_name(r), variant, PDF_FONT)
        sources.append(variant)
    pdf_samples.convert(sources, work / "pdf", work)
    for r in reports:
        target = pdf_name(r)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(work / "pdf" / f"{r.name}.pdf", target)
        pdf_samples.normalise(target)


def size(path):
    return f"{path.stat().st_size / 1024:7.1f} KB"


def rel(path):
    return path.relative_to(ROOT).as_posix()


def verify(r, scan):
    """Read back every form of one report and print a line for each; (its files, problems)."""
    problems, files = [], [text_name(r), docx_name(r)]
    want = expected_tokens(r)
    problems += compare(text_name(r).name, want, text_tokens(text_name(r)))
    problems += compare(docx_name(r).name, want, docx_tokens(docx_name(r)))
    problems += [f"{docx_name(r).name}: {p}" for p in grid_problems(docx_name(r))]
    for path in files:
        print(f"{rel(path):<58} {size(path)}")
    if r.template == "2018":
        return files, problems

    pdf = pdf_name(r)
    pages, got, where, chars = pdf_read(pdf)
    problems += compare(pdf.name, want, got)
    want_c, got_c = Counter(docx_chars(docx_name(r))), Counter(chars)
    if want_c != got_c:
        problems.append(
            f"{pdf.name}: text layer missing {dict(want_c - got_c)}, extra {dict(got_c - want_c)}"
        )
    at = "  ".join(f"{k} {'-'.join(map(str, v))}" for k, v in where.items())
    print(f"{rel(pdf):<58} {size(pdf)}  {pages:>5}  {at}")
    files.append(pdf)

    for path in scan:
        info = scans.inspect(path)
        if info.get("chars"):
            problems.append(f"{path.name}: the scan has a text layer")
        source_pages = scans.select_pages(pdf, "tables")
        print(f"{rel(path):<58} {size(path)}  {info['pages']:>5}  pdf pages {source_pages}")
        files.append(path)

    declared = identity_failures(r)
    if declared != r.source_errors:
        problems.append(f"{r.name}: identities fail at {declared}, declared {r.source_errors}")
    return files, problems


def main():
    if shutil.which("soffice") is None:
        sys.exit(
            "soffice not found: apt-get install -y -qq libreoffice-writer-nogui "
            "fonts-noto-cjk fonts-wqy-zenhei"
        )
    reports = [
        qinghe_county(),
        qinghe_transport(),
        hexi_street(),
        appended_natural_resources(),
        pre2019_county(),
    ]
    with_tables = [r for r in reports if r.template != "2018"]
    problems = []

    for r in reports:
        make_docx(r, docx_name(r))
        text_name(r).parent.mkdir(parents=True, exist_ok=True)
        text_name(r).write_text(dump_text(docx_name(r)), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="nianbao-2019-") as tmp:
        print_pdfs(with_tables, Path(tmp))
    for old in (T2019 / "scans").glob("*"):
        old.unlink()
    scan = scans.scan(pdf_name(with_tables[1]), SCAN_LEVEL, T2019 / "scans", "pdf", "tables")

    print(f"{'file':<58} {'size':>10}  pages  tables (page)")
    for r in reports:
        files, found = verify(r, scan if r is with_tables[1] else [])
        problems += found
        if r.template != "2018":
            path = TRUTH / f"{r.name}.json"
            path.write_text(
                json.dumps(truth(r, files), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            print(f"{rel(path):<58} {size(path)}")

    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
