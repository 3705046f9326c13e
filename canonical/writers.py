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
from pathlib import Path

import pandas as pd

from .schema import TABLES, TABLES_BY_ID, Table, table_rows

CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel and WPS open Chinese text correctly
REPORT_NAME = "report.json"
LONG_NAME = "cells.csv"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
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


def write_dataset(reports: list[tuple[str, dict]], out: Path) -> None:
    """Across documents: documents.csv (one line each) and dataset.csv/.parquet (one cell each).

    `reports` pairs each document's output folder (relative to `out`) with its report.
    """
    reports = sorted(reports, key=lambda r: r[0])
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
    documents = pd.DataFrame(doc_rows, columns=list(_DOC_COLUMNS))
    cells = pd.DataFrame(cell_rows, columns=list(_CELL_COLUMNS)).astype(_CELL_COLUMNS)
    atomic_write_bytes(out / "documents.csv", documents.to_csv(index=False).encode(CSV_ENCODING))
    atomic_write_bytes(out / "dataset.csv", cells.to_csv(index=False).encode(CSV_ENCODING))
    atomic_write_bytes(out / "dataset.parquet", cells.to_parquet(index=False))


_DOC_COLUMNS = ("document", "path", "format", "status", "agency", "year", "failed_checks",
                "source_errors", "unsure_cells", "error")
_CELL_COLUMNS = {"document": "string", "agency": "string", "year": "Int64", "status": "string",
                 "table": "string", "row": "string", "col": "string", "value": "string",
                 "number": "Float64", "confidence": "Float64", "flags": "string"}
