"""`nianbao watch INBOX`: process files as they arrive, until Ctrl-C.

How it is built, and why not `flow.serve`:
  Prefect's idiom for "run this every N seconds" is `run_documents.serve(name=..., interval=N)`:
  a deployment whose schedule the server's scheduler turns into flow runs, which the serving
  process picks up and runs, each in a fresh subprocess. That needs a Prefect server with its
  scheduler service. On the embedded (ephemeral) server nianbao uses, Prefect 3.8.8 says so
  itself ("Cannot schedule flows on an ephemeral server; run `prefect server start` to start the
  scheduler", prefect/runner/runner.py) and no run is ever scheduled: tried here, a served flow
  with interval=5 ran 0 times in a minute. Even with a server, every run would pay a new
  Python process and imports (seconds) to look at a folder that is usually unchanged.
  So the watcher is a plain polling loop in this process, which calls the *same* Prefect flow
  as `nianbao run` (flows.batch.run_documents) once per batch of files that are ready. Each
  batch is one flow run (one per 500 documents), with its document tasks, visible like any
  other run; an idle poll makes no flow run at all.

A file still being written is never handed over. It is ready when
  1. its size and mtime are unchanged over two consecutive polls (one interval apart), and
  2. it looks whole: not empty; a ZIP container (DOCX, XLSX, …) opens with its central directory,
     which is written last; a PDF has `%%EOF` in its last kilobyte. Other files (text, images)
     have only rule 1.
  A file that is stable but never looks whole (a truncated upload) is taken anyway once it has
  been unchanged for GIVE_UP_AFTER seconds, and is then reported as damaged or empty, as it is.
  Names of partial downloads (.part, .crdownload, …) are ignored; hidden files already are.

Nothing is lost or redone across restarts: on start every file in INBOX is looked at again, and
the flow skips those whose report.json records the same content hash (flows/resume.py). A file
that changes after it was processed is processed again (its hash differs).

The dataset, documents.csv and summary.html cover every document of INBOX that has a report
(read from disk, about 1.5 ms per document). They are rewritten once the inbox is quiet after a
batch (every file seen has been handed over), or RUN_FILES_EVERY seconds after a batch while
files keep arriving, and when the watcher stops: not after every batch, since with thousands of
documents in INBOX, rewriting them would cost more than a trickle of new files.

OUT is locked (flows/resume.py: OutputLock) during each batch only, so `nianbao reprocess` and
the review page can write to it while the watcher waits; OUT/.nianbao-watch.lock keeps a second
watcher out.

Ctrl-C stops it cleanly: no new document is started, the ones under way finish and are
written, the dataset is written if a batch is not in it yet, and it exits 0. A second Ctrl-C
stops at once. SIGTERM between batches is the same as Ctrl-C; during a batch, Prefect's own
SIGTERM handling ends the flow run at once. Either way, whatever was cut short is simply done again on the next start.
"""
from __future__ import annotations

import os
import signal
import sys
import time
import zipfile
from pathlib import Path

from . import settings  # noqa: F401  (must precede prefect)

PARTIAL_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".filepart", ".tmp", "~")
GIVE_UP_AFTER = 120.0  # seconds a stable file may look incomplete before it is taken anyway
RUN_FILES_EVERY = 60.0  # seconds the run's files may lag behind while files keep arriving


def ready_to_read(path: Path, size: int) -> bool:
    """Does the file look complete (rule 2 above)? Cheap: reads at most the ZIP directory."""
    if size == 0:
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(5)
            if head.startswith(b"PK\x03\x04"):
                with zipfile.ZipFile(f) as z:
                    z.infolist()
                return True
            if head.startswith(b"%PDF"):
                f.seek(max(0, size - 1024))
                return b"%%EOF" in f.read()
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False
    return True


class Inbox:
    """Which files of the inbox are ready, poll after poll."""

    def __init__(self, inbox: Path, out: Path):
        self.inbox, self.out = inbox, out
        self.previous: dict[Path, tuple[int, int]] = {}   # path -> (size, mtime_ns) last poll
        self.stable_since: dict[Path, float] = {}         # path -> when it was first seen so
        self.handled: dict[Path, tuple[int, int]] = {}    # path -> signature when handed over

    def poll(self):
        """(ready jobs, all jobs now in the inbox)."""
        from .inputs import find_documents

        jobs = [j for j in find_documents([self.inbox], self.out)
                if not j.path.name.lower().endswith(PARTIAL_SUFFIXES)]
        now = time.monotonic()
        current, ready = {}, []
        for job in jobs:
            try:
                st = os.stat(job.path)
            except OSError:
                continue  # gone since the walk
            signature = (st.st_size, st.st_mtime_ns)
            current[job.path] = signature
            if self.previous.get(job.path) != signature:
                self.stable_since[job.path] = now
                continue
            if self.handled.get(job.path) == signature:
                continue
            if ready_to_read(job.path, st.st_size) or \
                    now - self.stable_since[job.path] >= GIVE_UP_AFTER:
                ready.append(job)
        self.previous = current
        for gone in set(self.stable_since) - set(current):
            del self.stable_since[gone]
        for gone in set(self.handled) - set(current):
            del self.handled[gone]
        return ready, [j for j in jobs if j.path in current]

    def mark_handled(self, job) -> None:
        self.handled[job.path] = self.previous[job.path]

    def quiet(self) -> bool:
        """Was every file seen by the last poll handed over, unchanged since?"""
        return all(self.handled.get(path) == sig for path, sig in self.previous.items())


def watch_command(inbox: Path, out: Path, interval: float, workers: int) -> int:
    from prefect.exceptions import TerminationSignal

    from . import batch
    from .cli import print_line, summary_counts
    from .resume import WATCH_LOCK_NAME, OutputBusy, OutputLock

    if not inbox.is_dir():
        print(f"找不到文件夹：{inbox}。 No such folder: {inbox}", file=sys.stderr)
        return 2
    try:
        watcher_lock = OutputLock(out, WATCH_LOCK_NAME)
    except OutputBusy as e:
        print(str(e), file=sys.stderr)
        return 2
    stop = batch.stop_requested
    stop.clear()

    def request_stop(signum, frame):
        if stop.is_set():  # the second time: stop now
            raise KeyboardInterrupt
        print("正在停止… Stopping: finishing the documents under way (Ctrl-C again to stop now).",
              file=sys.stderr, flush=True)
        stop.set()
    previous_handlers = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}

    watched = Inbox(inbox, out)

    def done(job, report):
        print_line(job, report)
        watched.mark_handled(job)
    batch.on_document_done = done

    def write_run_files(doc_ids: list[str]) -> bool:
        try:
            lock = OutputLock(out)
        except OutputBusy:
            return False
        started = time.perf_counter()
        with lock:
            batch.write_run_outputs(doc_ids, out)
        print(f"documents.csv, dataset.csv/.parquet, summary.html: {len(doc_ids)} documents "
              f"({time.perf_counter() - started:.1f}s).", flush=True)
        return True

    print(f"Watching {inbox}/ every {interval:g}s; outputs in {out}/. Press Ctrl-C to stop.",
          flush=True)
    waiting = False
    stale_since = None  # when a batch was done that the run's files do not show yet
    present = []
    try:
        with watcher_lock:
            while not stop.is_set():
                ready, present = watched.poll()
                if ready:
                    # OUT is locked per batch, not while idle: `reprocess` and the review page
                    # can write between batches, and a batch waits for them.
                    try:
                        lock = OutputLock(out)
                    except OutputBusy:
                        if not waiting:
                            print(f"{out} is being written by another nianbao; waiting.", flush=True)
                        waiting = True
                        stop.wait(interval)
                        continue
                    waiting = False
                    started = time.perf_counter()
                    with lock:
                        counts = batch.run(ready, out, workers)
                    print(f"{counts['processed'] + counts['skipped']} files ready in "
                          f"{time.perf_counter() - started:.1f}s: {summary_counts(counts)}.",
                          flush=True)
                    stale_since = stale_since or time.monotonic()
                due = stale_since and ((not ready and watched.quiet())
                                       or time.monotonic() - stale_since >= RUN_FILES_EVERY)
                if due and write_run_files([j.doc_id for j in present]):
                    stale_since = None
                stop.wait(interval)
            if stale_since and not write_run_files([j.doc_id for j in present]):
                print(f"{out} is being written by another nianbao: its documents.csv, dataset "
                      "and summary.html will be rewritten by the next run or watch.", flush=True)
    except (KeyboardInterrupt, TerminationSignal):
        print("Stopped at once; what was under way is redone on the next start.",
              file=sys.stderr, flush=True)
        return 130
    finally:
        for s, handler in previous_handlers.items():
            signal.signal(s, handler)
        stop.clear()
        batch.on_document_done = None
    print("Stopped.", file=sys.stderr, flush=True)
    return 0
