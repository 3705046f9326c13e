"""What the commands print about documents: one line each, and the counts of a run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.report import Status

if TYPE_CHECKING:  # the commands import flows when they run, not at start-up
    from flows.inputs import Job
    from flows.resume import Brief

STATUS_MARK = {
    Status.OK: "ok          ",
    Status.NEEDS_REVIEW: "needs_review",
    Status.FAILED: "FAILED      ",
}


def print_line(job: Job, outcome: Brief) -> None:
    """A document's line, if it was processed now (skipped ones were listed by the run that did
    them, and are in documents.csv and summary.html)."""
    if not outcome.skipped:
        print(document_line(job.doc_id, outcome), flush=True)


def document_line(shown: str, outcome: Brief) -> str:
    return f"{STATUS_MARK[outcome.status]}  {shown}  {describe(outcome)}"


def describe(outcome: Brief) -> str:
    if outcome.status == Status.FAILED:
        return outcome.error or ""
    summary = outcome.summary
    parts = [f"{outcome.agency or '(机关未识别)'} {outcome.year or ''}".strip()]
    if summary and summary.source_errors:
        parts.append(f"{summary.source_errors} 处原表数据不一致")
    if summary and summary.failed_checks - summary.source_errors:
        parts.append(f"{summary.failed_checks - summary.source_errors} 处核对未通过")
    if summary and summary.unsure_cells:
        parts.append(f"{summary.unsure_cells} 个单元格需复核")
    if outcome.missing_tables:
        parts.append(f"缺少 {outcome.missing_tables} 张表格")
    return "；".join(parts)
