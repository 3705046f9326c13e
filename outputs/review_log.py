"""OUT/<doc>/review.json: a clerk's corrections of one document, oldest first.

    {"schema_version": 1, "source_sha256": "…",
     "corrections": [{"table": "applications", "row": "new_received", "col": "total",
                      "old": 73, "new": 78, "text": "78", "time": "2024-05-01T10:00:00+08:00"}]}

They are made on the review page (record_correction) and applied again on every rerun of
`nianbao run` (reapply_review), while the input file is the same (same sha256).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from canonical.review import NOT_APPLIED_ALL_BLANK, ReviewError, apply_corrections, parse_value
from canonical.series import alone
from model.report import Report, Status
from model.review_log import ClerkCorrection, ReviewLog

from .atomic import atomic_write_bytes
from .layout import REVIEW_NAME


def load_review(doc_dir: Path) -> ReviewLog:
    path = doc_dir / REVIEW_NAME
    if not path.exists():
        return ReviewLog()
    return ReviewLog.model_validate_json(path.read_bytes())


def reapply_review(report: Report, doc_dir: Path) -> Report:
    """For a rerun: the report with the corrections of `doc_dir`'s review.json, if they were
    made on this same input file (same sha256); otherwise a warning says they were not."""
    try:
        review = load_review(doc_dir)
    except (OSError, ValueError, ValidationError) as e:  # a review.json edited by hand
        return _warn(
            report, f"复核记录 {REVIEW_NAME} 无法读取（{_short(e)}），其中的更正没有应用。"
        )
    if not review.corrections or report.status == Status.FAILED:
        return report
    if review.source_sha256 != report.source.sha256:
        return _warn(
            report,
            f"复核记录 {REVIEW_NAME} 是针对该文件的另一版本做的，其中的 "
            f"{len(review.corrections)} 处更正没有应用。",
        )
    try:
        return apply_corrections(report, review.corrections)
    except (KeyError, TypeError, ValueError) as e:  # e.g. a cell of another template
        return _warn(
            report,
            f"复核记录 {REVIEW_NAME} 格式有误（{type(e).__name__}: {e}），其中的更正没有应用。",
        )


def record_correction(
    report: Report,
    doc_dir: Path,
    table_id: str,
    row_id: str,
    col_id: str,
    text: str,
    now: datetime | None = None,
) -> Report:
    """Record one correction in review.json and return the report with all of them applied
    (the caller writes it). ReviewError says why a correction cannot be made. The report comes
    back without series checks: the run's files (outputs/run_files.py) work them out again
    with the corrected value."""
    report = alone(report)
    if report.status == Status.FAILED or table_id not in report.tables:
        raise ReviewError("该文档没有这张表格，无法更正。")
    if not report.tables[table_id].has(row_id, col_id):
        raise ReviewError("没有这个单元格。")
    cell = report.tables[table_id].cell(row_id, col_id)
    new = parse_value(report, table_id, col_id, text)
    review = load_review(doc_dir)
    review.source_sha256 = report.source.sha256
    review.corrections.append(
        ClerkCorrection(
            table=table_id,
            row=row_id,
            col=col_id,
            old=cell.value,
            new=new,
            text=text.strip(),
            time=(now or datetime.now()).astimezone().isoformat(timespec="seconds"),
        )
    )
    corrected = apply_corrections(report, review.corrections)
    if NOT_APPLIED_ALL_BLANK in corrected.warnings:
        raise ReviewError(NOT_APPLIED_ALL_BLANK)
    data = json.dumps(review.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"
    atomic_write_bytes(doc_dir / REVIEW_NAME, data.encode("utf-8"))
    return corrected


def _warn(report: Report, warning: str) -> Report:
    return report.model_copy(update={"warnings": [*report.warnings, warning]})


def _short(error: Exception) -> str:
    return str(error).splitlines()[0]
