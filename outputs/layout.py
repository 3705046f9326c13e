"""The names of the files nianbao writes in OUT, in one place.

OUT/<doc_id>/report.json, cells.csv, <table>.csv, review.json   one document
OUT/documents.csv, dataset.csv, series.csv, summary.html        the run
OUT/dataset.parquet/year=YYYY/part-NN.parquet                   the run's cells, by year
OUT/skipped.csv                                                 inputs left out, and why
OUT/.nianbao-index/                                             what the run's files are made from
OUT/.nianbao.lock, OUT/.nianbao-watch.lock                      who is writing
"""

from __future__ import annotations

REPORT_NAME = "report.json"
LONG_NAME = "cells.csv"
REVIEW_NAME = "review.json"
DOCUMENTS_NAME = "documents.csv"
DATASET_CSV_NAME = "dataset.csv"
DATASET_PARQUET_NAME = "dataset.parquet"  # a folder: partitioned by year (outputs/dataset.py)
SERIES_NAME = "series.csv"  # one line per agency and year (outputs/run_files.py)
SUMMARY_NAME = "summary.html"
RUN_FILES = (DOCUMENTS_NAME, DATASET_CSV_NAME, SERIES_NAME, SUMMARY_NAME)  # files in OUT
INDEX_DIR = ".nianbao-index"  # outputs/index.py
INDEX_NAME = "documents.sqlite"
PIECES_DIR = "dataset-csv"  # in INDEX_DIR: dataset.csv's rows, one piece per parquet part
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
