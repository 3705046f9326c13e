"""OUT/summary.html: one self-contained page about a run's documents, with four bar charts drawn
as inline SVG (no script, no CDN, no plotting library):

- documents by status;
- the confidence of every cell (how sure the readings are);
- failed identities by rule (勾稽关系), split by cause: the printed source, or a possible
  misreading;
- the agencies with the most applications (applications › new_received › total), one bar per
  agency and year. The same report is often there twice (a PDF beside its DOCX): it is counted
  once, from its best-read document;
- year by year, applications received and processed of the largest agencies (by agency_key).

Below them, the broken year-over-year links and the copies of one report that disagree (series
checks, canonical/series.py), the failed documents and the skipped inputs (OUT/skipped.csv:
entries of the folders given that are not documents, such as broken links or pipes), the first
200 of each.

The numbers come from OUT's index of documents (outputs/index.py), one small summary per
document, so no report is read again and nothing is held per cell. The page says nothing
about timing or which documents were skipped as already done: like every other output it is
a function of the documents' reports (and of the inputs' folders, for the skipped inputs), so
a resumed run writes the same bytes as a clean one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape

from canonical.series import CARRY, DUPLICATE
from model.report import Check, Status

from .index import CONFIDENCE_BINS, Entry

STATUSES = (
    ("ok", "ok 通过", "#2e7d32"),
    ("needs_review", "needs_review 需复核", "#f9a825"),
    ("failed", "failed 失败", "#c62828"),
)
TOP_AGENCIES = 20
SERIES_AGENCIES = 8  # agencies drawn year by year
STATUS_RANK = {Status.OK.value: 0, Status.NEEDS_REVIEW.value: 1}
LISTED_FAILURES = 200
LISTED_SKIPPED = 200
LISTED_SERIES = 200  # broken links, disagreeing duplicates


class RunSummary:
    """The page's numbers, from the documents' index entries (outputs/index.py), in document
    order, and the year-over-year links of canonical.series."""

    def __init__(
        self, entries: list[tuple[str, Entry]], links: dict[tuple[str, int], bool]
    ) -> None:
        self.documents = 0
        self.status: Counter = Counter()
        self.formats: Counter = Counter()
        self.templates: Counter = Counter()  # (template, year) -> documents with tables
        self.confidence = [0] * len(CONFIDENCE_BINS)
        self.cells = 0
        self.checks: dict[str, Counter] = defaultdict(Counter)  # rule -> cause -> count
        # (agency key, year) -> (rank of the status, agency, received, processed): the
        # best-read document of a report found twice (a PDF beside its DOCX) counts.
        self.applications: dict[tuple, tuple] = {}
        self.failures: list[tuple[str, str]] = []  # (document, error), the first LISTED_FAILURES
        self.skipped: list[tuple[str, str, str]] = []  # (path, code, reason): skipped.csv's rows
        self.broken: list[tuple[str, Check]] = []  # carry failures, from the later year's side
        self.disagreeing: list[tuple[str, Check]] = []  # duplicate failures, once per pair
        self.links = links
        for doc_id, entry in entries:
            self.add(doc_id, entry)

    def add(self, doc_id: str, entry: Entry) -> None:
        self.documents += 1
        self.status[entry.status] += 1
        self.formats[entry.format or "unknown"] += 1
        if entry.template:
            self.templates[(entry.template, entry.year)] += 1
        if entry.status == Status.FAILED.value and len(self.failures) < LISTED_FAILURES:
            self.failures.append((doc_id, entry.error or ""))
        self.cells += entry.cells
        for i, n in enumerate(entry.confidence):
            self.confidence[i] += n
        for rule, cause in entry.checks:
            self.checks[rule][cause] += 1
        received, processed = entry.totals["new_received"], entry.totals["total_processed"]
        key = (entry.agency_key, entry.year)
        rank = STATUS_RANK.get(entry.status, 9)
        best = self.applications.get(key)
        if entry.agency_key and isinstance(received, int) and (best is None or rank < best[0]):
            self.applications[key] = (rank, entry.agency, received, processed)
        for check in entry.series_checks():
            if check.rule == CARRY and check.cells[0][1] == "carried_over":
                self.broken.append((doc_id, check))
            elif check.rule == DUPLICATE and doc_id < (check.other_document or ""):
                self.disagreeing.append((doc_id, check))

    def html(self) -> str:
        status_bars = [(label, self.status[s], color) for s, label, color in STATUSES]
        conf_bars = [
            (_bin_label(lo, hi), n, "#1565c0" if lo >= 0.9 else "#ef6c00")
            for (lo, hi), n in zip(CONFIDENCE_BINS, self.confidence)
        ]
        rules = sorted(self.checks, key=lambda r: (-sum(self.checks[r].values()), r))
        check_bars = [
            (
                rule,
                [
                    (self.checks[rule]["source"], "#6d4c41"),
                    (sum(n for c, n in self.checks[rule].items() if c != "source"), "#ef6c00"),
                ],
            )
            for rule in rules
        ]
        top = sorted(self.applications.items(), key=lambda a: (-a[1][2], a[0][0], a[0][1] or 0))[
            :TOP_AGENCIES
        ]
        agency_bars = [
            (f"{agency} {year or ''}".strip(), value, "#00695c")
            for (_, year), (_, agency, value, _) in top
        ]
        template_bars = [
            (f"{template} 年模板 · {year or '年份未识别'}", n, "#5e35b1")
            for (template, year), n in sorted(self.templates.items(), key=_template_order)
        ]
        parts = [
            _HEAD,
            "<h1>nianbao 运行汇总 · run summary</h1>",
            f"<p>{self.documents} 份文件 documents · {self.cells} 个单元格 cells · "
            + " · ".join(f"{escape(f)} {n}" for f, n in sorted(self.formats.items()))
            + "</p>",
            "<h2>状态 · documents by status</h2>",
            _bars(status_bars),
            "<h2>模板与年份 · documents by template and year</h2>",
            "<p>2019 年模板用于 2019、2020 年度报告，2021 年模板用于此后的报告；"
            "两者的表二各有其栏目。 Table 二 has other rows and columns in each template.</p>",
            _bars(template_bars) if template_bars else "<p>无 · none</p>",
            "<h2>置信度 · confidence of every cell</h2>",
            "<p>橙色低于 0.9 的单元格会被标记复核。 Orange bins are below 0.9: those cells are "
            "flagged for review.</p>",
            _bars(conf_bars),
            "<h2>勾稽关系未通过 · failed identities by rule</h2>",
            "<p><span class=key style='background:#6d4c41'></span>原表错误 source (every cell "
            "read exactly: the printed report is inconsistent) "
            "<span class=key style='background:#ef6c00'></span>可能误读 reading (an unsure cell "
            "is involved)</p>",
            _stacked_bars(check_bars) if check_bars else "<p>无 · none</p>",
            f"<h2>申请量最多的机关 · top {TOP_AGENCIES} agencies by applications</h2>",
            "<p>三、收到和处理政府信息公开申请情况 › 本年新收 › 总计 (applications › new_received "
            "› total), per agency and year.</p>",
            _bars(agency_bars) if agency_bars else "<p>无 · none</p>",
        ]
        parts += self._series_sections()
        if self.failures:
            parts.append(
                "<h2>失败的文件 · failed documents</h2><table><tr><th>document</th>"
                "<th>error</th></tr>"
            )
            parts += [
                f"<tr><td>{escape(d)}</td><td>{escape(e)}</td></tr>" for d, e in self.failures
            ]
            parts.append("</table>")
            if self.status["failed"] > len(self.failures):
                parts.append(
                    f"<p>… {self.status['failed'] - len(self.failures)} more: see documents.csv</p>"
                )
        if self.skipped:
            parts.append(_skipped_section(self.skipped))
        parts.append("</body></html>\n")
        return "\n".join(parts)

    def _series_sections(self) -> list[str]:
        """Year by year for the largest agencies; the broken links; the disagreeing copies."""
        years: dict[str, dict[int, tuple]] = defaultdict(dict)
        for (key, year), (_, agency, received, processed) in self.applications.items():
            if year:
                years[key][year] = (agency, received, processed)
        largest = sorted(years, key=lambda k: (-sum(v[1] for v in years[k].values()), k))
        parts = [
            f"<h2>逐年申请量 · applications year by year, the {SERIES_AGENCIES} largest "
            "agencies</h2>",
            "<p><span class=key style='background:#00695c'></span>本年新收 received "
            "(new_received) <span class=key style='background:#80cbc4'></span>办理总计 "
            "processed (total_processed)；按机关名称统一键 by agency_key.</p>",
        ]
        for key in largest[:SERIES_AGENCIES]:
            by_year = years[key]
            agency = by_year[max(by_year)][0] or key
            shown_key = f" <code>{escape(key)}</code>" if key != agency else ""
            parts.append(f"<h3>{escape(agency)}{shown_key}</h3>")
            parts.append(
                _grouped_bars(
                    [
                        (str(year), [(r, "#00695c"), (p if isinstance(p, int) else 0, "#80cbc4")])
                        for year, (_, r, p) in sorted(by_year.items())
                    ]
                )
            )
        if not largest:
            parts.append("<p>无 · none</p>")
        broken = sum(not holds for holds in self.links.values())
        parts += [
            "<h2>年度衔接断开 · broken year-over-year links</h2>",
            f"<p>{len(self.links)} 个衔接 links checked, {broken} broken: 本年“上年结转” ≠ "
            "上年“结转下年度继续办理” (carried_over of year y ≠ carried_forward of y−1).</p>",
            _series_table(self.broken, "later year's document", "earlier year's document"),
            "<h2>同一报告的副本不一致 · copies of one report that disagree</h2>",
            _series_table(self.disagreeing, "document", "other copy"),
        ]
        return parts


def _series_table(rows: list[tuple[str, Check]], this: str, other: str) -> str:
    if not rows:
        return "<p>无 · none</p>"
    parts = [
        f"<table><tr><th>{this}</th><th>{other}</th><th>where</th><th>found</th>"
        "<th>other has</th><th>cause</th></tr>",
        *(
            f"<tr><td>{escape(doc_id)}</td><td>{escape(c.other_document or '')}</td>"
            f"<td>{escape(c.where)}</td><td>{escape(str(c.found))}</td>"
            f"<td>{escape(str(c.expected))}</td><td>{escape(c.cause.value)}</td></tr>"
            for doc_id, c in rows[:LISTED_SERIES]
        ),
        "</table>",
    ]
    if len(rows) > LISTED_SERIES:
        parts.append(f"<p>… {len(rows) - LISTED_SERIES} more: see series.csv and report.json</p>")
    return "\n".join(parts)


def _skipped_section(rows: list[tuple[str, str, str]]) -> str:
    """The inputs that are not documents: how many, and the first LISTED_SKIPPED."""
    parts = [
        "<h2>跳过的输入 · skipped inputs</h2>",
        f"<p>{len(rows)} 个条目不是可处理的文件，未处理 · entries of the folders given that are "
        "not documents (broken links, loops, pipes, devices, unreadable folders, names that are "
        "not UTF-8): see skipped.csv</p>",
        "<table><tr><th>path</th><th>reason</th></tr>",
        *(
            f"<tr><td>{escape(path)}</td><td>{escape(reason)} ({escape(code)})</td></tr>"
            for path, code, reason in rows[:LISTED_SKIPPED]
        ),
        "</table>",
    ]
    if len(rows) > LISTED_SKIPPED:
        parts.append(f"<p>… {len(rows) - LISTED_SKIPPED} more: see skipped.csv</p>")
    return "\n".join(parts)


def _template_order(item: tuple[tuple[str, int | None], int]) -> tuple[str, int]:
    (template, year), _ = item
    return template, year or 0


def _bin_label(lo: float, hi: float) -> str:
    return "1.0" if lo == hi else f"{lo:g}–{hi:g}"


ROW, LABEL_W, BAR_W, VALUE_W = 22, 330, 420, 90


def _bars(items: list[tuple[str, int, str]]) -> str:
    return _stacked_bars([(label, [(value, color)]) for label, value, color in items])


def _grouped_bars(items: list[tuple[str, list[tuple[int, str]]]]) -> str:
    """One row per label, its bars one under the other, each with its value."""
    largest = max((v for _, bars in items for v, _ in bars), default=0) or 1
    step = 12
    height = sum(step * len(bars) + 6 for _, bars in items) + 4
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_W + BAR_W + VALUE_W}" '
        f'height="{height}" role="img">'
    ]
    y = 2
    for label, bars in items:
        svg.append(f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        for value, color in bars:
            width = round(BAR_W * value / largest, 1)
            svg.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{width}" height="{step - 2}" '
                f'fill="{color}"><title>{escape(label)}: {value}</title></rect>'
                f'<text x="{LABEL_W + width + 6}" y="{y + 10}">{value}</text>'
            )
            y += step
        y += 6
    svg.append("</svg>")
    return "\n".join(svg)


def _stacked_bars(items: list[tuple[str, list[tuple[int, str]]]]) -> str:
    """A horizontal bar chart: one row per label, its segments side by side, the total after."""
    largest = max((sum(v for v, _ in segs) for _, segs in items), default=0) or 1
    height = ROW * len(items) + 4
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_W + BAR_W + VALUE_W}" '
        f'height="{height}" role="img">'
    ]
    for i, (label, segments) in enumerate(items):
        y = i * ROW + 2
        svg.append(
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(_clip(label))}</text>'
        )
        x: float = LABEL_W
        for value, color in segments:
            width = round(BAR_W * value / largest, 1)
            if width:
                svg.append(
                    f'<rect x="{x}" y="{y + 2}" width="{width}" height="{ROW - 6}" '
                    f'fill="{color}"><title>{escape(label)}: {value}</title></rect>'
                )
            x = round(x + width, 1)
        total = sum(v for v, _ in segments)
        shown = (
            str(total)
            if len(segments) == 1
            else f"{total} (" + " + ".join(str(v) for v, _ in segments) + ")"
        )
        svg.append(f'<text x="{x + 6}" y="{y + 15}">{shown}</text>')
    svg.append("</svg>")
    return "\n".join(svg)


def _clip(label: str, limit: int = 26) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>nianbao run summary</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 2em; color: #222; max-width: 900px; }
h2 { margin-top: 1.6em; font-size: 1.1em; }
svg text { font-size: 13px; font-family: inherit; fill: #222; }
table { border-collapse: collapse; font-size: 13px; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
.key { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; }
</style></head><body>"""
