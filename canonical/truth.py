"""Hand-checked truth files (tests/truth/*.json), as {(table, row, col): value}.

Used by the tests and the benchmark to score a report cell by cell.
"""
from __future__ import annotations

import json
from pathlib import Path

from .schema import TABLES

Cells = dict[tuple[str, str, str], object]


def load_truth_cells(path: Path) -> Cells:
    return truth_cells(json.loads(path.read_text(encoding="utf-8")))


def truth_cells(truth: dict) -> Cells:
    cells: Cells = {}
    for table in TABLES:
        for row, cols in truth[table.id].items():
            if isinstance(cols, dict):
                cells.update({(table.id, row, col): v for col, v in cols.items()})
            else:  # hzq2023.json writes reviews_litigation flat: {"review.upheld": 10, ...}
                row_id, col = row.rsplit(".", 1)
                cells[(table.id, row_id, col)] = cols
    return cells


def report_cells(report: dict) -> Cells:
    return {(t, c["row"], c["col"]): c["value"]
            for t, table in report["tables"].items() for c in table["cells"]}
