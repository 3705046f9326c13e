"""A document's files (report.json, wide and long CSVs) and the run's dataset.

Every file is written atomically (atomic.py). report.json goes last: if it is there, the rest
is too. Output is a pure function of the input, so a rerun writes identical bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from canonical.template import TableSpec, Template
from canonical.templates import TEMPLATES, template
from model.report import Report, Table, Value

from .atomic import atomic_write_bytes, atomic_writer
from .layout import CSV_ENCODING, DATASET_NAMES, LONG_NAME, REPORT_NAME, wide_name

DATASET_CHUNK = 200  # documents per piece of the dataset files (~40,000 cells)
ALL_TABLE_IDS = tuple(dict.fromkeys(t.id for tpl in TEMPLATES.values() for t in tpl.tables))


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(CSV_ENCODING)


def write_document(report: Report, doc_dir: Path) -> None:
    """Write one document's files; drop files an earlier run wrote that this report has not."""
    tpl = template(report.template)
    for table_id in ALL_TABLE_IDS:
        path = doc_dir / wide_name(table_id)
        if table_id in report.tables:
            atomic_write_bytes(path, wide_csv(tpl.table(table_id), report.tables[table_id]))
        else:
            path.unlink(missing_ok=True)
    if report.tables:
        atomic_write_bytes(doc_dir / LONG_NAME, long_csv(report, tpl))
    else:
        (doc_dir / LONG_NAME).unlink(missing_ok=True)
    atomic_write_bytes(doc_dir / REPORT_NAME, report.to_json())


def wide_csv(spec: TableSpec, table: Table) -> bytes:
    """Shaped like the printed table: one line per row, a column per printed column."""
    values = {(c.row, c.col): c.value for c in table.cells}
    header = ["row_id", "项目"] + [f"{c.label} ({c.id})" for c in spec.columns]
    rows = [
        [row.id, spec.label_path(row.id)]
        + [_csv_value(values.get((row.id, c.id))) for c in spec.columns]
        for row in spec.rows_of(table.other_layout)
    ]
    return _csv_bytes(header, rows)


def long_csv(report: Report, tpl: Template) -> bytes:
    header = [
        "table",
        "row",
        "col",
        "row_label",
        "col_label",
        "value",
        "unit",
        "text",
        "confidence",
        "page",
        "bbox",
        "flags",
    ]
    rows = []
    for table_id, table in report.tables.items():
        spec = tpl.table(table_id)
        for c in table.cells:
            rows.append(
                [
                    table_id,
                    c.row,
                    c.col,
                    spec.label_path(c.row),
                    spec.column_label(c.col),
                    _csv_value(c.value),
                    c.unit or "",
                    c.text,
                    round(c.confidence, 4),
                    _csv_value(c.page),
                    " ".join(str(round(v, 2)) for v in c.bbox) if c.bbox else "",
                    " ".join(c.flags),
                ]
            )
    return _csv_bytes(header, rows)


def _csv_value(value: Value) -> str:
    return "" if value is None else str(value)


def write_dataset(
    reports: Iterable[tuple[str, Report]], out: Path, chunk: int = DATASET_CHUNK
) -> None:
    """Across documents: documents.csv (one line each) and dataset.csv/.parquet (one cell each).

    `reports` pairs each document's output folder (relative to `out`) with its report, in
    document order (a list is sorted here). It may be a generator reading them one by one: the
    files are written `chunk` documents at a time, so memory does not grow with the run.
    """
    if isinstance(reports, list | tuple):
        reports = sorted(reports, key=lambda r: r[0])
    import pyarrow as pa
    import pyarrow.parquet as pq

    empty = pd.DataFrame(columns=list(_CELL_COLUMNS)).astype(_CELL_COLUMNS)
    schema = pa.Schema.from_pandas(empty, preserve_index=False)
    docs_name, cells_name, parquet_name = DATASET_NAMES
    with (
        atomic_writer(out / docs_name) as docs_file,
        atomic_writer(out / cells_name) as cells_file,
        atomic_writer(out / parquet_name) as parquet_file,
    ):
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
                parquet.write_table(
                    pa.Table.from_pandas(cells, schema=schema, preserve_index=False)
                )
            first = False
        if first:  # no documents: the headers alone
            pd.DataFrame(columns=list(_DOC_COLUMNS)).astype(_DOC_COLUMNS).to_csv(
                docs_text, index=False
            )
            empty.to_csv(cells_text, index=False)
        parquet.close()
        docs_text.flush()
        cells_text.flush()
        docs_text.detach()
        cells_text.detach()


def _dataset_chunks(
    reports: Iterable[tuple[str, Report]], chunk: int
) -> Iterator[tuple[list[dict], list[dict]]]:
    doc_rows: list[dict] = []
    cell_rows: list[dict] = []
    for doc_id, r in reports:
        summary = r.summary
        doc_rows.append(
            {
                "document": doc_id,
                "path": r.source.path,
                "format": r.source.format,
                "status": r.status.value,
                "agency": r.agency,
                "year": r.year,
                "template": r.template,
                "failed_checks": summary.failed_checks if summary else None,
                "source_errors": summary.source_errors if summary else None,
                "unsure_cells": summary.unsure_cells if summary else None,
                "error": r.error,
            }
        )
        for table_id, table in r.tables.items():
            for c in table.cells:
                cell_rows.append(
                    {
                        "document": doc_id,
                        "agency": r.agency,
                        "year": r.year,
                        "template": r.template,
                        "status": r.status.value,
                        "table": table_id,
                        "row": c.row,
                        "col": c.col,
                        "value": _csv_value(c.value) or None,
                        "number": float(c.value) if c.value is not None else None,
                        "unit": c.unit,
                        "confidence": round(c.confidence, 4),
                        "flags": " ".join(c.flags),
                    }
                )
        if len(doc_rows) >= chunk:
            yield doc_rows, cell_rows
            doc_rows, cell_rows = [], []
    if doc_rows:
        yield doc_rows, cell_rows


# Types fixed up front, so every chunk is written alike (a year is 2023, never 2023.0).
_DOC_COLUMNS = {
    "document": "string",
    "path": "string",
    "format": "string",
    "status": "string",
    "agency": "string",
    "year": "Int64",
    "template": "string",
    "failed_checks": "Int64",
    "source_errors": "Int64",
    "unsure_cells": "Int64",
    "error": "string",
}
_CELL_COLUMNS = {
    "document": "string",
    "agency": "string",
    "year": "Int64",
    "template": "string",  # a cell's id means what FORMAT.md says for this template
    "status": "string",
    "table": "string",
    "row": "string",
    "col": "string",
    "value": "string",
    "number": "Float64",
    "unit": "string",
    "confidence": "Float64",
    "flags": "string",
}
