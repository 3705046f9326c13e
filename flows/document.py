"""One document through the stages: detect format → extract grid → rebuild canonical tables →
check identities → assess → write outputs. Never raises: a bad document becomes a failed report."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from canonical.assess import assess, failed_report
from canonical.checks import run_checks
from canonical.corrections import confirm, correct
from canonical.mapping import rebuild
from canonical.metadata import agency_and_year, has_title
from canonical.template_choice import choose_template
from extractors import UnreadableDocument, detect_format, extract
from model.files import sha256_file
from model.report import Report, ScannedPage, ScanRecord, Source
from model.settings import DEFAULT, ScanSettings
from outputs.layout import REVIEW_NAME
from outputs.review_log import reapply_review
from outputs.writers import write_document

log = logging.getLogger(__name__)

# Recorded in every report.json. `nianbao run` redoes a document whose report has another
# version (flows/resume.py), so bump it when a change to the pipeline alters its outputs.
PIPELINE_VERSION = 3


def process_document(
    path: Path, doc_dir: Path, shown_path: str, scan: ScanSettings = DEFAULT
) -> Report:
    """Process `path`, write its outputs into `doc_dir`, and return its report. `scan` says
    how scanned pages are read (reprocessing changes it)."""
    started = time.perf_counter()
    # "file": where the input was read from, so review and reprocessing can find its pages.
    source = Source(path=shown_path, file=str(path.resolve()))
    if scan != DEFAULT:  # reprocessed with other settings: say which
        source.scan_settings = ScanRecord.model_validate(scan.as_json())
    try:
        report = _read(path, source, scan)
    except UnreadableDocument as e:
        report = failed_report(source, str(e))
    except OSError as e:
        report = failed_report(source, f"无法读取文件：{e.strerror or e}。")
    except Exception as e:  # a bug in one document must not stop the batch
        log.exception("internal error on %s", shown_path)
        report = failed_report(
            source,
            f"处理该文件时发生内部错误（{type(e).__name__}: {e}），请把文件反馈给维护人员。",
            "internal_error",
        )
    report.pipeline_version = PIPELINE_VERSION
    if (doc_dir / REVIEW_NAME).exists():  # corrections made in `nianbao review` survive reruns
        report = reapply_review(report, doc_dir)
    write_document(report, doc_dir)
    log.debug("%s done in %.3fs", shown_path, time.perf_counter() - started)
    return report


def _read(path: Path, source: Source, scan: ScanSettings) -> Report:
    """The stages; `source` is filled in on the way, so a failure still says what was known."""
    source.sha256 = sha256_file(path)
    source.format = detect_format(path)
    extraction = extract(path, source.format, scan)
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
    warnings = [*extraction.warnings, *notes, *tables.warnings]
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
