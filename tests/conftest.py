import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Each test process (each pytest-xdist worker, see pyproject's addopts) gets a Prefect home, and
# so a Prefect database, of its own: the CLI runs it starts inherit it. Workers sharing
# ~/.prefect/prefect.db would race to create it on a new machine, and read each other's runs
# (and those of any other nianbao on the machine). Set before Prefect is imported: it reads its
# settings then.
PREFECT_HOME = tempfile.mkdtemp(prefix="nianbao-test-prefect-")
os.environ["PREFECT_HOME"] = PREFECT_HOME

import flows  # noqa: E402, F401  (sets Prefect's settings before any test imports prefect)


def pytest_unconfigure(config):
    # Stop the embedded servers still running first (an in-process run leaves its own to
    # Prefect's atexit): they would write to PREFECT_HOME while it is removed.
    server = sys.modules.get("prefect.server.api.server")
    if server is not None:
        for instance in list(server.SubprocessASGIServer._instances.values()):
            instance.stop()
    shutil.rmtree(PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_api_url():
    """One Prefect server for the test process (the embedded one Prefect would start itself),
    for the CLI runs the tests start with PREFECT_API_URL set to it: each would otherwise spend
    seconds starting its own. It is the instance an in-process run without PREFECT_API_URL
    starts (and shares) too. tests/test_run.py and tests/test_hostile.py cover a CLI starting its
    own."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    yield server.api_url
    server.stop()


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


# --- pytest-xdist: in which order the modules are handed out ------------------------------
#
# `--dist loadfile` (pyproject's addopts) hands out the tests of a module together, to one
# worker: a module's fixtures run once, and its tests see each other's process state as in a
# serial run (the LibreOffice converter of test_office, for one). Rough seconds per module (2
# workers on 2 cores busy with other work): the longest go first, so that no worker is left
# with a long module at the end while the other idles. Only the order depends on these; a
# module not listed goes after them, in file order. (Not `--dist loadgroup`: pytest-xdist 3.8
# cannot tag the test ids of pytest 9.2 with their group, so its groups are silently ignored.)
SECONDS = {
    "test_bulk": 200,
    "test_scans": 155,
    "test_scale_out": 135,
    "test_hostile": 125,
    "test_scan_corpus": 115,
    "test_office": 115,
    "test_run": 90,
    "test_reprocess": 85,
    "test_inputs": 40,
    "test_watch_quiet": 35,
    "test_clean_exit": 30,
    "test_html": 30,
    "test_t2019": 20,
    "test_ocr_engine": 15,
    "test_report_model": 15,
    "test_review": 12,
    "test_pdf": 12,
    "test_review_security": 12,
    "test_workers": 10,
}


def pytest_collection_modifyitems(config, items):
    if getattr(config, "workerinput", None) is None:  # not an xdist worker: file order
        return
    # Stable: each module's tests stay together and in their order.
    items.sort(key=lambda item: -SECONDS.get(item.path.stem, 0))
