"""Outputs: report.json, wide and long CSVs per document, and the run's dataset.

Every file is written to a temporary name beside it and renamed into place, so a reader (or a
crash) never sees half a file. report.json goes last: if it is there, the rest is too. Output is
a pure function of the input, so a rerun writes identical bytes.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from .schema import TABLES, TABLES_BY_ID, Table, table_rows

CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel and WPS open Chinese text correctly
REPORT_NAME = "report.json"
LONG_NAME = "cells.csv"
TEMP_SUFFIX = ".tmp"
DATASET_NAMES = ("documents.csv", "dataset.csv", "dataset.parquet")
DATASET_CHUNK = 200  # documents per piece of the dataset files (~40,000 cells)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path) as f:
        f.write(data)


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at `path` only when the block ends without an error. Until
    then it is `.<name>.<random>.tmp` beside it (left behind only by a hard kill: a rerun
    removes it, see flows/resume.py)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(CSV_ENCODING)


def write_document(report: dict, doc_dir: Path) -> None:
    """Write one document's files; drop files an earlier run wrote that this report has not."""
    for table in TABLES:
        path = doc_dir / f"{table.id}.csv"
        if table.id in report["tables"]:
            atomic_write_bytes(path, wide_csv(table, report["tables"][table.id]))
        else:
            path.unlink(missing_ok=True)
    if report["tables"]:
        atomic_write_bytes(doc_dir / LONG_NAME, long_csv(report))
    else:
        (doc_dir / LONG_NAME).unlink(missing_ok=True)
    atomic_write_bytes(doc_dir / REPORT_NAME, json_bytes(report))


def json_bytes(report: dict) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def row_label_path(table: Table, row_id: str) -> str:
    """'三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密'."""
    groups = {g.id: g for g in table.groups}
    row = table.row(row_id)
    labels, parent = [row.label], row.parent
    while parent is not None:
        labels.insert(0, groups[parent].label)
        parent = groups[parent].parent
    return " › ".join(labels)


def wide_csv(table: Table, table_json: dict) -> bytes:
    """Shaped like the printed table: one line per row, a column per printed column."""
    values = {(c["row"], c["col"]): c["value"] for c in table_json["cells"]}
    header = ["row_id", "项目"] + [f"{c.label} ({c.id})" for c in table.columns]
    rows = []
    for row in table_rows(table, table_json.get("other_layout", "split")):
        rows.append([row.id, row_label_path(table, row.id)] +
                    [_csv_value(values.get((row.id, c.id), "")) for c in table.columns])
    return _csv_bytes(header, rows)


def long_csv(report: dict) -> bytes:
    header = ["table", "row", "col", "row_label", "col_label", "value", "text", "confidence",
              "page", "bbox", "flags"]
    return _csv_bytes(header, _long_rows(report))


def _long_rows(report: dict) -> list[list]:
    rows = []
    for table_id, table_json in report["tables"].items():
        table = TABLES_BY_ID[table_id]
        for c in table_json["cells"]:
            rows.append([table_id, c["row"], c["col"], row_label_path(table, c["row"]),
                         table.column_label(c["col"]), _csv_value(c["value"]), c["text"],
                         c["confidence"], _csv_value(c["page"]),
                         " ".join(str(v) for v in c["bbox"]) if c["bbox"] else "",
                         " ".join(c["flags"])])
    return rows


def _csv_value(value) -> str:
    return "" if value is None else str(value)


def write_dataset(reports: Iterable[tuple[str, dict]], out: Path,
                  chunk: int = DATASET_CHUNK) -> None:
    """Across documents: documents.csv (one line each) and dataset.csv/.parquet (one cell each).

    `reports` pairs each document's output folder (relative to `out`) with its report, in
    document order (a list is sorted here). It may be a generator reading them one by one: the
    files are written `chunk` documents at a time, so memory does not grow with the run.
    """
    if isinstance(reports, (list, tuple)):
        reports = sorted(reports, key=lambda r: r[0])
    import pyarrow as pa
    import pyarrow.parquet as pq

    empty = pd.DataFrame(columns=list(_CELL_COLUMNS)).astype(_CELL_COLUMNS)
    schema = pa.Schema.from_pandas(empty, preserve_index=False)
    with atomic_writer(out / "documents.csv") as docs_file, \
            atomic_writer(out / "dataset.csv") as cells_file, \
            atomic_writer(out / "dataset.parquet") as parquet_file:
        docs_text = io.TextIOWrapper(docs_file, encoding=CSV_ENCODING, newline="")
        cells_text = io.TextIOWrapper(cells_file, encoding=CSV_ENCODING, newline="")
        parquet = pq.ParquetWriter(parquet_file, schema)
        first = True
        for doc_rows, cell_rows in _dataset_chunks(reports, chunk):
            documents = pd.DataFrame(doc_rows, columns=list(_DOC_COLUMNS)).astype(_DOC_COLUMNS)
            cells = pd.DataFrame(cell_rows, columns=list(_CELL_COLUMNS)).astype(_CELL_COLUMNS)
            documents.to_csv(docs_text, index=False, header=first)
            cells.to_csv(cells_text, index=False, header=first)
            if len(cells):
                parquet.write_table(pa.Table.from_pandas(cells, schema=schema,
                                                         preserve_index=False))
            first = False
        if first:  # no documents: the headers alone
            pd.DataFrame(columns=list(_DOC_COLUMNS)).astype(_DOC_COLUMNS).to_csv(docs_text,
                                                                                 index=False)
            empty.to_csv(cells_text, index=False)
        parquet.close()
        docs_text.flush()
        cells_text.flush()
        docs_text.detach()
        cells_text.detach()


def _dataset_chunks(reports: Iterable[tuple[str, dict]], chunk: int):
    doc_rows, cell_rows = [], []
    for doc_id, r in reports:
        summary = r.get("summary") or {}
        doc_rows.append({"document": doc_id, "path": r["source"]["path"],
                         "format": r["source"]["format"], "status": r["status"],
                         "agency": r["agency"], "year": r["year"],
                         "failed_checks": summary.get("failed_checks"),
                         "source_errors": summary.get("source_errors"),
                         "unsure_cells": summary.get("unsure_cells"),
                         "error": r["error"]})
        for table_id, table_json in r["tables"].items():
            for c in table_json["cells"]:
                cell_rows.append({"document": doc_id, "agency": r["agency"], "year": r["year"],
                                  "status": r["status"], "table": table_id, "row": c["row"],
                                  "col": c["col"], "value": _csv_value(c["value"]) or None,
                                  "number": float(c["value"]) if c["value"] is not None else None,
                                  "confidence": c["confidence"], "flags": " ".join(c["flags"])})
        if len(doc_rows) >= chunk:
            yield doc_rows, cell_rows
            doc_rows, cell_rows = [], []
    if doc_rows:
        yield doc_rows, cell_rows


# Types fixed up front, so every chunk is written alike (a year is 2023, never 2023.0).
_DOC_COLUMNS = {"document": "string", "path": "string", "format": "string", "status": "string",
                "agency": "string", "year": "Int64", "failed_checks": "Int64",
                "source_errors": "Int64", "unsure_cells": "Int64", "error": "string"}
_CELL_COLUMNS = {"document": "string", "agency": "string", "year": "Int64", "status": "string",
                 "table": "string", "row": "string", "col": "string", "value": "string",
                 "number": "Float64", "confidence": "Float64", "flags": "string"}
