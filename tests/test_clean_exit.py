"""Clean exits: Prefect's embedded server dies with a killed run, a full disk is said plainly,
outputs get the usual file mode."""

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, SAMPLES

TEXT = SAMPLES / "text" / "000_de4a6e6b343917dd.txt"


def children(pid: int) -> list[int]:
    """Every descendant of `pid`, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        frontier += kids
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


@pytest.mark.slow
def test_embedded_server_and_workers_die_with_a_killed_run(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for n in range(40):  # enough work that the run is still going when it is killed
        (inbox / f"{n}.txt").write_bytes(TEXT.read_bytes())
    run = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "run", inbox, "--out", tmp_path / "out"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        server = workers = []
        while time.monotonic() < deadline and not (server and workers):
            time.sleep(0.5)
            family = children(run.pid)
            server = [p for p in family if "prefect.server.api.server" in cmdline(p)]
            workers = [p for p in family if "multiprocessing" in cmdline(p)]
        assert server and workers, "the run never started its server and workers"
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(p) for p in server + workers):
        time.sleep(0.5)
    assert not [p for p in server + workers if alive(p)]


def test_a_full_disk_is_a_plain_failure_of_the_document(tmp_path, monkeypatch):
    from flows import document

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(document, "write_document", full)
    report = document.process_document(TEXT, tmp_path / "out", TEXT.name)
    assert (report.status, report.error_code) == ("failed", "disk_full")
    assert "磁盘已满" in report.error


def test_output_files_get_the_usual_mode(tmp_path):
    from flows.document import process_document

    process_document(TEXT, tmp_path / "out", TEXT.name)
    umask = os.umask(0)
    os.umask(umask)
    for written in (tmp_path / "out").iterdir():
        assert written.stat().st_mode & 0o777 == 0o666 & ~umask, written.name


@pytest.mark.slow
def test_a_full_disk_for_the_run_files_is_one_plain_line_and_exit_3(tmp_path, monkeypatch, capsys):
    from cli.main import main
    from outputs import run_files

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run_files, "write_run_outputs", full)
    assert main(["run", str(TEXT), "--out", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert "磁盘已满" in err and "Traceback" not in err
