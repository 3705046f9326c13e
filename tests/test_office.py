"""Old office files (.doc, .wps, .rtf, .odt) through LibreOffice: every cell of every sample,
detection by content, a hung converter restarted, no LibreOffice installed, and a bulk run
that starts LibreOffice once. The samples are made by scripts/make_office_samples.py."""

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import olefile
import pytest
from helpers import ROOT, SAMPLES, TRUTH, load_truth_cells, report_cells
from test_seeds import EXPECTED_AGENCY_YEAR
from test_t2019 import assert_reads_as_truth

from extractors import detect_format, office
from extractors.errors import UnreadableDocument
from model.limits import Limits

OFFICE = SAMPLES / "office"
SAMPLE_NAMES = sorted(p.name for p in OFFICE.iterdir())
SEED = "000_de4a6e6b343917dd"
SOFFICE = shutil.which("soffice")


def _load_sample_script():
    spec = importlib.util.spec_from_file_location(
        "make_office_samples", ROOT / "scripts" / "make_office_samples.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rename_stream = _load_sample_script().rename_stream


@pytest.fixture(autouse=True)
def libreoffice():
    assert SOFFICE, "these tests need LibreOffice: apt-get install libreoffice-writer-nogui"


def truth_name(sample: str) -> str:
    return Path(sample).stem.removeprefix("wps_")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_cell_matches_truth(process, name):
    report = process(OFFICE / name)
    assert report["source"]["format"] == Path(name).suffix[1:]
    assert report["status"] == "ok", report.get("error")
    seed = truth_name(name)
    if seed.startswith("t2019_"):
        assert_reads_as_truth(report, seed)
        return
    want = load_truth_cells(TRUTH / f"{seed}.json")
    assert len(want) == 200
    assert report_cells(report) == want
    assert report["template"] == "2021"
    assert (report["agency"], report["year"]) == EXPECTED_AGENCY_YEAR[seed]


def test_samples_cover_every_docx_sample_in_each_format():
    docx = [*(SAMPLES / "docx").glob("*.docx"), *(SAMPLES / "t2019" / "docx").glob("*.docx")]
    for suffix in ("doc", "rtf", "odt"):
        assert {p.stem for p in OFFICE.glob(f"*.{suffix}")} == {p.stem for p in docx}
    assert list(OFFICE.glob("*.wps"))


def test_input_is_never_touched(process, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "report.doc"
    shutil.copyfile(OFFICE / f"{SEED}.doc", path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert process(path)["status"] == "ok"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert os.listdir(folder) == ["report.doc"]  # no LibreOffice lock file beside it


# --- detection by content -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "name", "fmt"),
    [
        (OFFICE / f"{SEED}.rtf", "report.doc", "rtf"),  # Word's "save as RTF", named .doc
        (OFFICE / f"{SEED}.doc", "report.wps", "doc"),  # a Word file named .wps
        (OFFICE / "wps_001_1c640710511402cf.wps", "report.doc", "wps"),
        (OFFICE / f"{SEED}.odt", "report.docx", "odt"),
        (SAMPLES / "html" / f"{SEED}.html", "report.doc", "html"),  # Word's "save as web page"
        (SAMPLES / "html" / f"{SEED}.html", "report.txt", "html"),
        (SAMPLES / "docx" / f"{SEED}.docx", "report.doc", "docx"),
    ],
)
def test_format_is_told_by_content(tmp_path, sample, name, fmt):
    path = tmp_path / name
    shutil.copyfile(sample, path)
    assert detect_format(path) == fmt


def test_rtf_named_doc_reads_every_cell(process, tmp_path):
    path = tmp_path / "report.doc"
    shutil.copyfile(OFFICE / f"{SEED}.rtf", path)
    report = process(path)
    assert report["source"]["format"] == "rtf"
    assert report_cells(report) == load_truth_cells(TRUTH / f"{SEED}.json")


def detect_error(path: Path) -> str:
    with pytest.raises(UnreadableDocument) as raised:
        detect_format(path)
    return str(raised.value)


def test_other_ole_files_get_clear_messages(tmp_path):
    doc = (OFFICE / f"{SEED}.doc").read_bytes()
    xls = tmp_path / "report.doc"
    xls.write_bytes(rename_stream(doc, "WordDocument", "Workbook"))
    assert "Excel" in detect_error(xls)
    damaged = tmp_path / "damaged.doc"
    damaged.write_bytes(doc[:1536])  # the header and a little: no directory
    assert "损坏" in detect_error(damaged)


def test_password_protected_doc_is_told_before_libreoffice(tmp_path):
    path = tmp_path / "locked.doc"
    shutil.copyfile(OFFICE / f"{SEED}.doc", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        fib = bytearray(ole.openstream("WordDocument").read())
        fib[11] |= 0x01  # fEncrypted
        ole.write_stream("WordDocument", bytes(fib))
    assert "密码" in detect_error(path)


def test_opendocument_that_is_not_text(tmp_path):
    path = tmp_path / "report.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert "不是文字文档" in detect_error(path)


# --- the converter ------------------------------------------------------------------------


def _gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].startswith("Z"):
                return True  # dead, waiting for its parent to collect it
        time.sleep(0.1)
    return False


def test_hung_conversion_is_killed_and_the_next_document_gets_a_new_converter(process):
    assert process(OFFICE / f"{SEED}.doc")["status"] == "ok"  # a converter runs
    converter = office._converter
    starts = office.starts
    # A timeout no conversion can meet: the converter is treated as hung.
    path = OFFICE / f"{SEED}.odt"
    with pytest.raises(UnreadableDocument) as raised:
        office.extract(path, limits=Limits(timeout=0.001), kind="odt")
    assert raised.value.code == "timeout" and "超时" in str(raised.value)
    assert office._converter is None
    assert _gone(converter.office_pid) and _gone(converter.process.pid)
    assert not converter.home.exists()  # its profile is removed
    assert process(OFFICE / f"{SEED}.doc")["status"] == "ok"
    assert office.starts == starts + 1


def test_libreoffice_killed_between_documents_is_started_again(process):
    assert process(OFFICE / f"{SEED}.odt")["status"] == "ok"
    starts = office.starts
    os.killpg(office._converter.office_pid, signal.SIGKILL)  # the OOM killer, say
    assert process(OFFICE / f"{SEED}.doc")["status"] == "ok"
    assert office.starts == starts + 1


def test_libreoffice_that_will_not_start_fails_fast_after_the_first(process, tmp_path, monkeypatch):
    office.stop()
    broken = tmp_path / "bin"
    broken.mkdir()
    (broken / "soffice").write_text("#!/bin/sh\nexit 1\n")
    (broken / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", str(broken))
    monkeypatch.setattr(office, "_start_failure", None)
    first = process(OFFICE / f"{SEED}.doc")
    assert (first["status"], first["error_code"]) == ("failed", "converter_failed")
    assert "LibreOffice 启动失败" in first["error"]
    starts = office.starts
    second = process(OFFICE / f"{SEED}.rtf")
    assert second["error_code"] == "converter_failed" and "RTF" in second["error"]
    assert office.starts == starts  # not tried again in this process


def test_libreoffice_dies_with_the_process_that_started_it(tmp_path):
    """Worker processes are killed with SIGKILL when a run ends: LibreOffice must go too."""
    script = (
        "import os, sys, signal\n"
        "from pathlib import Path\n"
        "from extractors import office\n"
        f"office.extract(Path({str(OFFICE / f'{SEED}.doc')!r}), kind='doc')\n"
        "c = office._converter\n"
        "print(c.office_pid, c.home, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    pid, home = run.stdout.split()
    assert _gone(int(pid))
    deadline = time.monotonic() + 10
    while Path(home).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(home).exists()


def test_without_libreoffice_the_document_fails_naming_the_package(process, tmp_path, monkeypatch):
    office.stop()
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    report = process(OFFICE / f"{SEED}.doc")
    assert report["status"] == "failed"
    assert report["error_code"] == "converter_missing"
    assert "LibreOffice" in report["error"] and "libreoffice-writer-nogui" in report["error"]
    assert report["source"]["format"] == "doc"
    monkeypatch.undo()
    assert process(OFFICE / f"{SEED}.doc")["status"] == "ok"


# --- through the CLI ----------------------------------------------------------------------

SUMMARY = re.compile(r"(\d+) documents in [\d.]+s: (\d+) processed, (\d+) skipped")


@pytest.fixture(scope="module")
def prefect_env(prefect_api_url):
    """The test process's Prefect server (conftest.py) for the CLI runs here (each would
    otherwise start its own)."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PREFECT_API_URL": prefect_api_url}


def nianbao(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_bulk_run_of_50_docs_starts_libreoffice_once(prefect_env, tmp_path):
    inbox, out, shim = tmp_path / "inbox", tmp_path / "out", tmp_path / "bin"
    inbox.mkdir()
    for n in range(50):
        shutil.copyfile(OFFICE / f"{SEED}.doc", inbox / f"report_{n:02d}.doc")
    # The real soffice, behind a script that notes each start (its pid stays soffice's).
    shim.mkdir()
    starts = tmp_path / "starts.txt"
    (shim / "soffice").write_text(f'#!/bin/sh\necho $$ >> {starts}\nexec {SOFFICE} "$@"\n')
    (shim / "soffice").chmod(0o755)
    env = {**prefect_env, "PATH": f"{shim}{os.pathsep}{prefect_env['PATH']}"}

    run = nianbao(env, "run", inbox, "--out", out, "--workers", "1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert SUMMARY.search(run.stdout.splitlines()[-1]).groups() == ("50", "50", "0")
    pids = starts.read_text().split()
    assert len(pids) == 1  # one worker, one LibreOffice for all 50
    assert _gone(int(pids[0]))  # and it went with its worker
    want = load_truth_cells(TRUTH / f"{SEED}.json")
    for n in (0, 49):
        report = (out / f"report_{n:02d}.doc" / "report.json").read_text(encoding="utf-8")
        assert report_cells(json.loads(report)) == want


@pytest.mark.slow
def test_batch_without_libreoffice_runs_the_rest_and_retries_next_time(prefect_env, tmp_path):
    from flows.inputs import Job
    from flows.resume import previous_outcome

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copyfile(OFFICE / f"{SEED}.doc", inbox / "old.doc")
    shutil.copyfile(SAMPLES / "docx" / f"{SEED}.docx", inbox / "new.docx")
    before = hashlib.sha256((inbox / "old.doc").read_bytes()).hexdigest()

    run = nianbao({**prefect_env, "PATH": str(tmp_path / "empty-bin")}, "run", inbox, "--out", out)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert any(l.startswith("FAILED") and "old.doc" in l and "LibreOffice" in l for l in lines)
    assert any(l.startswith("ok") and "new.docx" in l for l in lines)
    assert hashlib.sha256((inbox / "old.doc").read_bytes()).hexdigest() == before
    # Installing LibreOffice fixes it: the next run processes it again, and skips the other.
    assert previous_outcome(Job(inbox / "old.doc", "old.doc"), out) is None
    assert previous_outcome(Job(inbox / "new.docx", "new.docx"), out).skipped
