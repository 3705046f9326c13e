"""One document through the stages: detect format → extract grid → rebuild canonical tables →
check identities → assess → write outputs. Never raises: a bad document becomes a failed report."""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path

from canonical.assess import assess, failed_report
from canonical.checks import run_checks
from canonical.corrections import confirm, correct
from canonical.mapping import rebuild
from canonical.metadata import agency_and_year, agency_warnings
from canonical.template_choice import choose_template
from extractors import UnreadableDocument, detect_format, extract
from model.files import sha256_file
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import LimitExceeded, Limits
from model.report import Report, ScannedPage, ScanRecord, Source
from model.settings import DEFAULT, ScanSettings
from model.title import has_title
from outputs.atomic import DISK_FULL, is_disk_full
from outputs.layout import REVIEW_NAME
from outputs.review_log import reapply_review
from outputs.writers import write_document

log = logging.getLogger(__name__)

# Recorded in every report.json. `nianbao run` redoes a document whose report has another
# version (flows/resume.py), so bump it when a change to the pipeline alters its outputs.
PIPELINE_VERSION = 17


def process_document(
    path: Path,
    doc_dir: Path,
    shown_path: str,
    scan: ScanSettings = DEFAULT,
    limits: Limits = DEFAULT_LIMITS,
) -> Report:
    """Process `path`, write its outputs into `doc_dir`, and return its report. `scan` says
    how scanned pages are read (reprocessing changes it)."""
    started = time.perf_counter()
    # "file": where the input was read from, so review and reprocessing can find its pages.
    source = Source(path=shown_path, file=str(path.resolve()))
    if scan != DEFAULT:  # reprocessed with other settings: say which
        source.scan_settings = ScanRecord.model_validate(scan.as_json())
    try:
        report = _read(path, source, scan, limits)
    except UnreadableDocument as e:
        report = failed_report(source, str(e), e.code)
    except LimitExceeded as e:
        report = failed_report(source, str(e), "too_large")
    except MemoryError:
        over = LimitExceeded("memory_mb", None, limits.memory_mb)
        report = failed_report(source, str(over), "too_large")
    except OSError as e:
        report = failed_report(source, f"无法读取文件：{e.strerror or e}。")
    except Exception as e:  # a bug in one document must not stop the batch
        log.exception("internal error on %s", shown_path)
        report = failed_report(
            source,
            f"处理该文件时发生内部错误（{type(e).__name__}: {e}），请把文件反馈给维护人员。",
            "internal_error",
        )
    try:
        report = _written(report, doc_dir)
    except OSError as e:
        if not is_disk_full(e):
            raise
        report = failed_report(source, DISK_FULL, "disk_full")  # nowhere to write it
    log.debug("%s done in %.3fs", shown_path, time.perf_counter() - started)
    return report


def failed_document(path: Path, doc_dir: Path, shown_path: str, code: str, error: str) -> Report:
    """Write and return the failed report of a document whose processing was cut short from
    outside (its worker timed out or died: flows/workers.py)."""
    source = Source(path=shown_path, file=str(path.resolve()))
    with contextlib.suppress(OSError):
        source.sha256 = sha256_file(path)  # so that resuming knows it was this content
    return _written(failed_report(source, error, code), doc_dir)


def _written(report: Report, doc_dir: Path) -> Report:
    report.pipeline_version = PIPELINE_VERSION
    if (doc_dir / REVIEW_NAME).exists():  # corrections made in `nianbao review` survive reruns
        report = reapply_review(report, doc_dir)
    write_document(report, doc_dir)
    return report


def _read(path: Path, source: Source, scan: ScanSettings, limits: Limits) -> Report:
    """The stages; `source` is filled in on the way, so a failure still says what was known."""
    source.sha256 = sha256_file(path)
    source.format = detect_format(path)
    extraction = extract(path, source.format, scan, limits)
    source.pages = extraction.pages
    if extraction.scanned_pages:  # where the review page finds each page as OCR read it
        source.scanned_pages = [
            ScannedPage(page=n, turned=t) for n, t in sorted(extraction.scanned_pages.items())
        ]
    agency, year = agency_and_year(extraction.body_text)
    template, notes = choose_template(extraction, year)
    tables = rebuild(extraction, template)
    corrections = correct(tables)
    confirm(tables)
    checks = run_checks(tables, extraction.body_text)
    warnings = [
        *extraction.warnings,
        *agency_warnings(agency, extraction.unsure_text),
        *notes,
        *tables.warnings,
    ]
    return assess(
        source,
        agency,
        year,
        tables,
        checks,
        corrections,
        warnings,
        titled=has_title(extraction.body_text),
    )
