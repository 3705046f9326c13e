"""The names of the files nianbao writes in OUT, in one place.

OUT/<doc_id>/report.json, cells.csv, <table>.csv, review.json   one document
OUT/documents.csv, dataset.csv, dataset.parquet, summary.html   the run
OUT/skipped.csv                                                 inputs left out, and why
OUT/.nianbao.lock, OUT/.nianbao-watch.lock                      who is writing
"""

from __future__ import annotations

REPORT_NAME = "report.json"
LONG_NAME = "cells.csv"
REVIEW_NAME = "review.json"
DOCUMENTS_NAME = "documents.csv"
DATASET_NAMES = (DOCUMENTS_NAME, "dataset.csv", "dataset.parquet")
SUMMARY_NAME = "summary.html"
RUN_FILES = (*DATASET_NAMES, SUMMARY_NAME)
SKIPPED_NAME = "skipped.csv"  # written with the run's files (outputs/run_files.py)
SKIPPED_COLUMNS = ("path", "code", "reason")
LOCK_NAME = ".nianbao.lock"
WATCH_LOCK_NAME = ".nianbao-watch.lock"
TEMP_SUFFIX = ".tmp"
CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel and WPS open Chinese text correctly


def wide_name(table_id: str) -> str:
    return f"{table_id}.csv"


def document_files(table_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The files nianbao writes in a document's folder (review.json is the clerk's)."""
    return (REPORT_NAME, LONG_NAME, *(wide_name(t) for t in table_ids))
