"""Resuming: which documents are already done, and what a run hands on of each.

A document is done, and is skipped by the next run unless `--force`, when all of these hold:
- OUT/<doc_id>/report.json exists (it is written last, atomically: if it is there, so is the rest);
- its `source.sha256` is the input's sha256 now (the content, not the name or the mtime);
- its `schema_version` and `pipeline_version` are the ones this code writes (bump
  flows.document.PIPELINE_VERSION when a change alters the outputs, and every document is redone);
- it is not `failed` with `error_code` `internal_error` (a bug of ours, which may since be
  fixed), `crashed` (its worker died), `converter_missing` or `converter_failed` (no working
  LibreOffice for an old office file, which installing it fixes): those are retried on every
  run. Other failures (empty,
  damaged, not a report, over a limit …) are facts about the file and are not retried: the same
  bytes would fail the same way.

A hard kill (kill -9, power loss) can leave a `.<name>.<random>.tmp` beside a file that was being
written. Before a document is looked at, these are removed from its folder, and before the
run's dataset is written, from OUT. Only the names this code writes are touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from canonical.templates import template
from model.files import sha256_file
from model.report import SCHEMA_VERSION, Report, Status, Summary
from outputs.atomic import remove_temp_files
from outputs.layout import REPORT_NAME, document_files
from outputs.writers import ALL_TABLE_IDS

from .document import PIPELINE_VERSION
from .inputs import Job

# Failures that are not facts about the file: a bug of ours, a worker that died (out of
# memory while the machine was busy, say), or no working LibreOffice for an old office file.
# Other failures (damaged, too large for the limits, not a report …) would fail the same way
# again; `--force` redoes them.
RETRIED = ("internal_error", "crashed", "converter_missing", "converter_failed")


@dataclass(frozen=True)
class Brief:
    """What the run hands on of a report: enough for its line and the counts."""

    status: Status
    agency: str | None = None
    year: int | None = None
    error: str | None = None
    error_code: str | None = None
    summary: Summary | None = None
    missing_tables: int = 0
    skipped: bool = False


def brief(report: Report) -> Brief:
    expected = template(report.template).table_ids
    return Brief(
        report.status,
        report.agency,
        report.year,
        report.error,
        report.error_code,
        report.summary,
        sum(t not in report.tables for t in expected),
    )


def previous_outcome(job: Job, out: Path) -> Brief | None:
    """The brief of `job`'s earlier report, marked skipped, if it is done (module docstring);
    None if it must be processed. Also removes temporary files a kill left in its folder."""
    doc_dir = out / job.doc_id
    remove_temp_files(doc_dir, document_files(ALL_TABLE_IDS))
    try:
        report = Report.from_json((doc_dir / REPORT_NAME).read_bytes())
    except (OSError, ValueError, ValidationError):
        return None  # none, or written by another version
    if (report.schema_version, report.pipeline_version) != (SCHEMA_VERSION, PIPELINE_VERSION) or (
        report.status == Status.FAILED and report.error_code in RETRIED
    ):
        return None
    try:
        if not report.source.sha256 or report.source.sha256 != sha256_file(job.path):
            return None
    except OSError:
        return None  # unreadable now: processing it says why
    return replace(brief(report), skipped=True)
