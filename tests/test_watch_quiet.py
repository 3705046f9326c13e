"""`nianbao watch` takes a file only once it has been unchanged for the quiet period: a file
written slowly, in chunks, is processed once, whole. Odd entries in the inbox (a FIFO, a broken
link) neither stop nor hang it."""

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from helpers import ROOT, SAMPLES, SEED_IDS

TEXT = SAMPLES / "text" / f"{SEED_IDS[0]}.txt"
TABLES = ["active_disclosure", "applications", "reviews_litigation"]


@pytest.fixture(scope="module")
def prefect_env(prefect_api_url):
    """The environment for the CLI, with the test process's Prefect server (conftest.py) shared
    by its runs (each would otherwise spend seconds starting its own), as tests/test_bulk.py
    does."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PREFECT_API_URL": prefect_api_url}


def test_a_file_is_ready_once_unchanged_for_the_quiet_period(tmp_path, monkeypatch):
    from flows import watch

    clock = [1000.0]
    monkeypatch.setattr(watch, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    inbox = watch.Inbox(tmp_path, tmp_path / "out", quiet=5)
    data = TEXT.read_bytes()

    def poll_after(seconds):
        clock[0] += seconds
        return [j.doc_id for j in inbox.poll()[0]]

    (tmp_path / "a.txt").write_bytes(data[:100])
    assert poll_after(0) == []  # first seen
    assert poll_after(4) == []  # unchanged, but not for 5 s yet
    with open(tmp_path / "a.txt", "ab") as f:  # the writer goes on: counted from now
        f.write(data[100:])
    assert poll_after(2) == []
    assert poll_after(4.9) == []
    assert poll_after(0.2) == ["a.txt"]

    # A file that never looks whole is taken after GIVE_UP_AFTER, not after the quiet period.
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.7 cut short")
    assert poll_after(0) == ["a.txt"]  # (a.txt was not handed over)
    assert "b.pdf" not in poll_after(10)
    assert "b.pdf" in poll_after(watch.GIVE_UP_AFTER)


class Watcher:
    def __init__(self, inbox, out, log, env, *options):
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "watch", str(inbox), "--out", str(out), *options],
            cwd=ROOT,
            env=env,
            stdout=open(log, "w"),  # noqa: SIM115  (open while it runs)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_for("Watching")

    def text(self):
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, pattern, times=1, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(re.findall(pattern, self.text())) >= times:
                return
            assert self.proc.poll() is None, self.text()
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} in:\n{self.text()}")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)


@pytest.mark.slow  # through the CLI and Prefect
def test_watch_takes_a_slowly_written_text_file_once_and_whole(tmp_path, prefect_env):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    os.mkfifo(inbox / "pipe.txt")  # would block the watcher if it were opened
    (inbox / "dangling.txt").symlink_to("/nonexistent/x")
    (inbox / "first.txt").write_bytes((SAMPLES / "text" / f"{SEED_IDS[1]}.txt").read_bytes())
    data = TEXT.read_bytes()
    report = out / "slow.txt" / "report.json"

    log_file = tmp_path / "watch.log"
    watcher = Watcher(inbox, out, log_file, prefect_env, "--interval", "0.5", "--quiet", "2")
    try:
        watcher.wait_for(r"跳过 skipped: pipe\.txt")
        # Prefect is started by the first batch: once it is up, a batch reads a file sooner.
        watcher.wait_for(r"files ready in .*: 1 processed")
        step = len(data) // 4 + 1
        for start in range(0, len(data), step):
            with open(inbox / "slow.txt", "ab") as f:
                f.write(data[start : start + step])
            if start + step < len(data):
                time.sleep(1)  # two polls with it unchanged, but not for 2 s
                assert not report.exists(), watcher.text()
        watcher.wait_for(r"files ready in .*: 1 processed", times=2)
        watcher.wait_for(r"summary.html: 2 documents, 2 inputs skipped")
        written = json.loads(report.read_text(encoding="utf-8"))
        assert written["status"] == "ok"
        assert sorted(written["tables"]) == TABLES
        assert written["source"]["sha256"] == hashlib.sha256(data).hexdigest()
        time.sleep(3)  # more polls, past the quiet period: it is not taken again
        log = watcher.text()
        # Taken once: a file taken half-written is taken again when it changes (and then, if
        # the first batch happened to read it whole, skipped as done: a third batch).
        assert len(re.findall("files ready in", log)) == 2, log
        assert log.count("slow.txt") == 1, log
        assert log.count("跳过 skipped: pipe.txt") == 1, log  # said once, not every poll
        skipped = (out / "skipped.csv").read_text(encoding="utf-8-sig")
        assert "pipe.txt,not_regular," in skipped and "dangling.txt,broken_link," in skipped
    finally:
        assert watcher.stop() == 0, watcher.text()
    assert "Traceback" not in watcher.text()
