"""What the tests share: where samples and truth files are, and scoring a report cell by cell
against hand-checked truth (tests/truth/*.json). The benchmark scores with these too."""

from __future__ import annotations

import json
from pathlib import Path

from canonical.templates import DEFAULT

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TRUTH = Path(__file__).resolve().parent / "truth"
# Copies of ../shared/realdocs (see its MANIFEST.tsv), so the tests run on a bare clone.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_IDS = sorted(p.stem for p in (SAMPLES / "text").glob("*.txt"))
SEED_002 = "002_aeca975d5bd5932c"

Cells = dict[tuple[str, str, str], object]


def load_truth(name: str) -> dict:
    return json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))


def load_truth_cells(path: Path) -> Cells:
    return truth_cells(json.loads(path.read_text(encoding="utf-8")))


def truth_cells(truth: dict) -> Cells:
    cells: Cells = {}
    for table_id in DEFAULT.table_ids:
        for row, cols in truth[table_id].items():
            if isinstance(cols, dict):
                cells.update({(table_id, row, col): v for col, v in cols.items()})
            else:  # hzq2023.json writes reviews_litigation flat: {"review.upheld": 10, ...}
                row_id, col = row.rsplit(".", 1)
                cells[(table_id, row_id, col)] = cols
    return cells


def report_cells(report: dict) -> Cells:
    """The cells of a report as written in report.json."""
    return {
        (t, c["row"], c["col"]): c["value"]
        for t, table in report["tables"].items()
        for c in table["cells"]
    }
