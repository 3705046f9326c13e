"""Bulk runs that survive a kill -9, --force, and the watch folder, through the real CLI.

The CLI runs in subprocesses, which share the test process's Prefect server (conftest.py: the
embedded one Prefect would start itself, via PREFECT_API_URL): each would otherwise spend seconds
starting its own. tests/test_run.py covers starting it.
"""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from helpers import ROOT, SAMPLES, SEED_IDS

from outputs.layout import INDEX_DIR

pytestmark = pytest.mark.slow  # through the CLI and Prefect, kill -9 and a watcher

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}
SUMMARY = re.compile(r"(\d+) documents in [\d.]+s: (\d+) processed, (\d+) skipped")


@pytest.fixture(scope="module", autouse=True)
def prefect_api(prefect_api_url):
    ENV["PREFECT_API_URL"] = prefect_api_url  # the test process's server (conftest.py)
    yield
    del ENV["PREFECT_API_URL"]


def tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and INDEX_DIR not in p.parts  # the index is a cache (outputs/index.py)
    }


def reports(out):
    return {p.parent.relative_to(out).as_posix(): p for p in out.rglob("report.json")}


def cli(*args):
    return [sys.executable, "-m", "cli.main", *map(str, args)]


def nianbao(*args):
    return subprocess.run(
        cli(*args), cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300
    )


def counts(result):
    """(documents, processed, skipped) from the run's last line."""
    match = SUMMARY.search(result.stdout.splitlines()[-1])
    assert match, result.stdout + result.stderr
    return tuple(int(n) for n in match.groups())


def make_inbox(inbox):
    """20 documents: the text and DOCX samples in two year folders, the second text copies
    changed by a trailing newline (so their content differs too)."""
    for year in ("2022", "2023"):
        (inbox / year).mkdir(parents=True)
        for seed in SEED_IDS:
            text = (SAMPLES / "text" / f"{seed}.txt").read_bytes()
            (inbox / year / f"{seed}.txt").write_bytes(text + (b"\n" if year == "2023" else b""))
            shutil.copyfile(SAMPLES / "docx" / f"{seed}.docx", inbox / year / f"{seed}.docx")
    return 20


@pytest.fixture(scope="module")
def resumed(tmp_path_factory):
    """A clean run, and a run killed with SIGKILL part-way and then run again."""
    tmp = tmp_path_factory.mktemp("bulk")
    inbox, clean, out = tmp / "inbox", tmp / "clean", tmp / "out"
    total = make_inbox(inbox)
    assert counts(nianbao("run", inbox, "--out", clean)) == (total, total, 0)

    # --workers 1 makes it slow enough to be caught part-way.
    killed = subprocess.Popen(
        cli("run", inbox, "--out", out, "--workers", "1"),
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # its own group: the Prefect server too
    deadline = time.monotonic() + 120
    while len(reports(out)) < 2 and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    done_before = {doc: p.stat().st_mtime_ns for doc, p in reports(out).items()}
    print(f"killed with {len(done_before)} of {total} documents done")
    # What a kill can leave: temporary files, beside a finished document's files and the dataset's.
    first = sorted(done_before)[0]
    (out / first / ".cells.csv.k1ll3d.tmp").write_bytes(b"half a file")
    (out / ".dataset.csv.k1ll3d.tmp").write_bytes(b"half a file")

    again = nianbao("run", inbox, "--out", out)
    return {
        "inbox": inbox,
        "clean": clean,
        "out": out,
        "total": total,
        "done_before": done_before,
        "again": again,
    }


def test_resume_after_kill(resumed):
    out, total, done_before = resumed["out"], resumed["total"], resumed["done_before"]
    assert 0 < len(done_before) < total, "the kill came too late to test resuming"
    again = resumed["again"]
    assert again.returncode == 0, again.stderr
    # Only the missing documents were processed; the others were skipped, not rewritten.
    assert counts(again) == (total, total - len(done_before), len(done_before))
    assert {
        doc: p.stat().st_mtime_ns for doc, p in reports(out).items() if doc in done_before
    } == done_before
    printed = [line.split()[1] for line in again.stdout.splitlines()[:-1]]
    assert sorted(printed) == sorted(set(reports(out)) - set(done_before))
    # Every document has its outputs, byte for byte those of a clean run, dataset included.
    assert len(reports(out)) == total
    assert tree(out) == tree(resumed["clean"])
    assert (out / "summary.html").read_bytes().startswith(b"<!DOCTYPE html>")
    assert not list(out.rglob(".*.tmp"))


def test_force_reprocesses(resumed):
    out, total = resumed["out"], resumed["total"]
    before = {doc: p.stat().st_mtime_ns for doc, p in reports(out).items()}
    forced = nianbao("run", resumed["inbox"], "--out", out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert counts(forced) == (total, total, 0)
    after = {doc: p.stat().st_mtime_ns for doc, p in reports(out).items()}
    assert all(after[doc] > before[doc] for doc in before)
    assert tree(out) == tree(resumed["clean"])


def test_changed_content_is_redone(tmp_path):
    from flows.inputs import Job
    from flows.resume import previous_outcome

    source, out = tmp_path / "a.txt", tmp_path / "out"
    source.write_bytes((SAMPLES / "text" / f"{SEED_IDS[0]}.txt").read_bytes())
    from flows.document import process_document

    process_document(source, out / "a.txt", "a.txt")
    job = Job(source, "a.txt")
    assert previous_outcome(job, out).skipped
    source.write_bytes(source.read_bytes() + b"\n")
    assert previous_outcome(job, out) is None  # same name, new content
    report = json.loads((out / "a.txt" / "report.json").read_text(encoding="utf-8"))
    report.update(status="failed", error_code="internal_error")
    (out / "a.txt" / "report.json").write_text(json.dumps(report), encoding="utf-8")
    source.write_bytes(source.read_bytes()[:-1])
    assert previous_outcome(job, out) is None  # our own crash: retried


def test_a_big_run_is_split_into_flow_runs(tmp_path, monkeypatch):
    """Prefect keeps a record of each task run until its flow run ends: a run is cut into flow
    runs of PART_SIZE documents, so that memory does not grow with the number of documents."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import batch
    from flows.inputs import find_documents

    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    for i in range(5):
        shutil.copyfile(SAMPLES / "text" / f"{SEED_IDS[i]}.txt", inbox / f"{i}.txt")
    (inbox / "empty.txt").write_bytes(b"")
    monkeypatch.setattr(batch, "PART_SIZE", 2)
    seen = []
    monkeypatch.setattr(batch, "on_document_done", lambda job, brief: seen.append(job.doc_id))
    with temporary_settings(updates={PREFECT_API_URL: ENV["PREFECT_API_URL"]}):
        counts = batch.run(find_documents([inbox], out), out, workers=2)
        with get_client(sync_client=True) as client:
            names = {run.name for run in client.read_flow_runs()}
    assert dict(counts) == {"ok": 5, "failed": 1, "processed": 6}
    assert sorted(seen) == ["0.txt", "1.txt", "2.txt", "3.txt", "4.txt", "empty.txt"]
    assert {"part 1 of 3", "part 2 of 3", "part 3 of 3"} <= names


def test_incomplete_files_are_not_ready(tmp_path):
    from flows.watch import ready_to_read

    for sample in (SAMPLES / "docx" / f"{SEED_IDS[0]}.docx", next((SAMPLES / "pdf").glob("*.pdf"))):
        data = sample.read_bytes()
        part = tmp_path / sample.name
        for cut in (len(data) // 3, len(data) - 100):
            part.write_bytes(data[:cut])
            assert not ready_to_read(part, cut)
        part.write_bytes(data)
        assert ready_to_read(part, len(data))
    (tmp_path / "empty.txt").write_bytes(b"")
    assert not ready_to_read(tmp_path / "empty.txt", 0)


def test_inbox_is_quiet_when_every_file_seen_was_handed_over(tmp_path):
    from flows.watch import Inbox

    inbox = Inbox(tmp_path, tmp_path / "out", quiet=0)  # two polls unchanged are enough here
    shutil.copyfile(SAMPLES / "text" / f"{SEED_IDS[0]}.txt", tmp_path / "a.txt")
    assert inbox.poll()[0] == [] and not inbox.quiet()  # seen once: not yet stable
    [job], _ = inbox.poll()
    inbox.mark_handled(job)
    assert inbox.quiet()
    (tmp_path / "b.txt").write_text("still being written", encoding="utf-8")
    assert inbox.poll()[0] == [] and not inbox.quiet()
    (tmp_path / "b.txt").unlink()
    assert inbox.poll()[0] == [] and inbox.quiet()
    with open(tmp_path / "a.txt", "a", encoding="utf-8") as f:  # a handled file changes
        f.write("\n")
    assert inbox.poll()[0] == [] and not inbox.quiet()


class Watcher:
    def __init__(self, inbox, out, log):
        self.log = log
        self.proc = subprocess.Popen(
            cli("watch", inbox, "--out", out, "--interval", "0.5", "--quiet", "1"),
            cwd=ROOT,
            env=ENV,
            stdout=open(log, "w"),  # noqa: SIM115  (open while it runs)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_for("Watching")

    def text(self):
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, pattern, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text())
            if match:
                return match
            assert self.proc.poll() is None, self.text()
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} in:\n{self.text()}")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            return self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)


def test_watch_takes_a_slowly_copied_file_once(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    sample = (SAMPLES / "docx" / f"{SEED_IDS[0]}.docx").read_bytes()
    report = out / "slow.docx" / "report.json"

    watcher = Watcher(inbox, out, tmp_path / "watch1.log")
    try:
        step = len(sample) // 4 + 1
        for start in range(0, len(sample), step):
            with open(inbox / "slow.docx", "ab") as f:
                f.write(sample[start : start + step])
            if start + step < len(sample):
                time.sleep(1.5)  # three polls with the file unchanged, but incomplete
                assert not report.exists()
        watcher.wait_for(r"files ready in .*: 1 processed")
        watcher.wait_for(r"summary.html: 1 documents")
        written = json.loads(report.read_text(encoding="utf-8"))
        assert written["status"] == "ok"
        assert written["source"]["sha256"] == hashlib.sha256(sample).hexdigest()
        time.sleep(1.5)  # more polls: it must not be taken again
        assert watcher.text().count("slow.docx") == 1
        assert (out / "summary.html").exists() and (out / "dataset.parquet").exists()
        # Idle, the watcher leaves OUT to others (`reprocess`, the review page), but a second
        # watcher on the same OUT is refused.
        from outputs.lock import OutputLock

        with OutputLock(out):
            pass
        second = nianbao("watch", inbox, "--out", out)
        assert second.returncode == 2 and "Another nianbao watch" in second.stderr
    finally:
        assert watcher.stop() == 0
    assert "Stopped." in watcher.text()

    mtime = report.stat().st_mtime_ns
    again = Watcher(inbox, out, tmp_path / "watch2.log")
    try:
        again.wait_for(r"files ready in .*: 0 processed, 1 skipped")
    finally:
        assert again.stop() == 0
    assert report.stat().st_mtime_ns == mtime
    assert "slow.docx" not in again.text()
    assert not list(out.rglob(".*.tmp"))
