import json
from pathlib import Path

import pytest

from canonical.truth import report_cells, truth_cells  # noqa: F401  (used by the tests)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TRUTH = Path(__file__).resolve().parent / "truth"
# Copies of ../shared/realdocs (see its MANIFEST.tsv), so the tests run on a bare clone.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_IDS = sorted(p.stem for p in (SAMPLES / "text").glob("*.txt"))
SEED_002 = "002_aeca975d5bd5932c"


def load_truth(name: str) -> dict:
    return json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def process(tmp_path):
    """Run one document through every stage (without Prefect) and return its report."""
    from flows.document import process_document

    def run(path: Path) -> dict:
        return process_document(path, tmp_path / "out" / path.name, path.name)
    return run
