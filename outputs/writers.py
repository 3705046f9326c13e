"""A document's files: report.json, the wide and long CSVs.

Every file is written atomically (atomic.py). report.json goes last: if it is there, the rest
is too. Output is a pure function of the input, so a rerun writes identical bytes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from canonical.template import TableSpec, Template
from canonical.templates import TEMPLATES, template
from model.report import Report, Table, Value

from .atomic import atomic_write_bytes
from .layout import CSV_ENCODING, LONG_NAME, REPORT_NAME, wide_name

ALL_TABLE_IDS = tuple(dict.fromkeys(t.id for tpl in TEMPLATES.values() for t in tpl.tables))


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
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
        + [csv_value(values.get((row.id, c.id))) for c in spec.columns]
        for row in spec.rows_of(table.other_layout)
    ]
    return csv_bytes(header, rows)


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
                    csv_value(c.value),
                    c.unit or "",
                    c.text,
                    round(c.confidence, 4),
                    csv_value(c.page),
                    " ".join(str(round(v, 2)) for v in c.bbox) if c.bbox else "",
                    " ".join(c.flags),
                ]
            )
    return csv_bytes(header, rows)


def csv_value(value: Value) -> str:
    return "" if value is None else str(value)
