"""The run's files (documents.csv, dataset.csv/.parquet, summary.html), rebuilt from the
report.json files on disk, one at a time: never from reports held in memory, so a resumed run
writes the same bytes as a clean one. And skipped.csv: the inputs that are not documents, and
why (flows/inputs.py), written by every run and watch, with only its header when there are
none, so that it is never left over from an earlier run."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from model.report import Report

from .atomic import atomic_write_bytes, remove_temp_files
from .layout import (
    CSV_ENCODING,
    DOCUMENTS_NAME,
    REPORT_NAME,
    RUN_FILES,
    SKIPPED_COLUMNS,
    SKIPPED_NAME,
    SUMMARY_NAME,
)
from .summary_html import RunSummary
from .writers import write_dataset


def read_report(doc_dir: Path) -> Report:
    return Report.from_json((doc_dir / REPORT_NAME).read_bytes())


def read_reports(doc_ids: Iterable[str], out: Path) -> Iterator[tuple[str, Report]]:
    """(doc_id, report) for each of `doc_ids` in sorted order that has a report.json."""
    for doc_id in sorted(set(doc_ids)):
        try:
            report = read_report(out / doc_id)
        except (OSError, ValueError, ValidationError):
            continue  # never written (a crash in writing, or a stop before it was reached)
        yield doc_id, report


def listed_documents(out: Path) -> list[str]:
    """The documents OUT/documents.csv lists (the last run's), those whose folder is inside OUT."""
    listing = out / DOCUMENTS_NAME
    if not listing.is_file():
        return []
    root = out.resolve()
    with open(listing, encoding=CSV_ENCODING, newline="") as f:
        ids = [row["document"] for row in csv.DictReader(f)]
    return [
        i for i in ids if (root / i).resolve().is_relative_to(root) and (root / i).resolve() != root
    ]


SkippedRow = tuple[str, str, str]  # (path, code, reason): flows.inputs.Skipped is one


def write_run_outputs(
    doc_ids: Iterable[str], out: Path, skipped: Iterable[SkippedRow] | None = None
) -> None:
    """dataset.csv/.parquet, documents.csv and summary.html of `doc_ids` (documents without a
    report.json are left out), and skipped.csv of `skipped`. With `skipped` None (a refresh
    after a review or a reprocess, which do not walk the inputs) skipped.csv is kept as the
    run wrote it, and summary.html lists what it holds."""
    remove_temp_files(out, (*RUN_FILES, SKIPPED_NAME))
    summary = RunSummary()
    write_dataset(summary.watch(read_reports(doc_ids, out)), out)
    if skipped is None:
        summary.skipped = read_skipped(out)
    else:
        summary.skipped = sorted((path, code, reason) for path, code, reason in skipped)
        atomic_write_bytes(out / SKIPPED_NAME, _skipped_csv(summary.skipped))
    atomic_write_bytes(out / SUMMARY_NAME, summary.html().encode("utf-8"))


def read_skipped(out: Path) -> list[SkippedRow]:
    """The rows of OUT/skipped.csv (none if it is missing or unreadable)."""
    try:
        with open(out / SKIPPED_NAME, encoding=CSV_ENCODING, newline="") as f:
            return [(r["path"], r["code"], r["reason"]) for r in csv.DictReader(f)]
    except (OSError, KeyError, UnicodeDecodeError, csv.Error):
        return []


def _skipped_csv(rows: list[SkippedRow]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")  # as the dataset's CSVs (outputs/writers.py)
    writer.writerow(SKIPPED_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue().encode(CSV_ENCODING)


def refresh_run_outputs(out: Path) -> None:
    """The run's files again, after one document's outputs changed (review, reprocess)."""
    if (out / DOCUMENTS_NAME).is_file():
        write_run_outputs(listed_documents(out), out)
