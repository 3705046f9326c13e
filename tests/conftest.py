import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TRUTH = Path(__file__).resolve().parent / "truth"
SHARED = ROOT.parent / "shared"
SEED_IDS = sorted(p.stem for p in (SAMPLES / "text").glob("*.txt"))
SEED_002 = "002_aeca975d5bd5932c"


def load_truth(name: str) -> dict:
    return json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))


def truth_cells(truth: dict) -> dict[tuple[str, str, str], object]:
    cells = {}
    for t in ("active_disclosure", "applications", "reviews_litigation"):
        for r, cols in truth[t].items():
            if isinstance(cols, dict):
                cells.update({(t, r, c): v for c, v in cols.items()})
            else:  # hzq2023.json writes reviews_litigation flat: {"review.upheld": 10, ...}
                row, col = r.rsplit(".", 1)
                cells[(t, row, col)] = cols
    return cells


def report_cells(report: dict) -> dict[tuple[str, str, str], object]:
    return {(t, c["row"], c["col"]): c["value"]
            for t, table in report["tables"].items() for c in table["cells"]}


@pytest.fixture
def process(tmp_path):
    """Run one document through every stage (without Prefect) and return its report."""
    from flows.document import process_document

    def run(path: Path) -> dict:
        return process_document(path, tmp_path / "out" / path.name, path.name)
    return run
