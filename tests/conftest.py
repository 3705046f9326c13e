from pathlib import Path

import pytest

import flows  # noqa: F401  (sets Prefect's settings before any test imports prefect)


@pytest.fixture
def process(tmp_path):
    """Run one document through every stage (without Prefect) and return its report as
    report.json holds it."""
    from flows.document import process_document

    def run(path: Path) -> dict:
        return process_document(path, tmp_path / "out" / path.name, path.name).model_dump(
            mode="json"
        )

    return run
