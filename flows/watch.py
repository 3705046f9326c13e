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
  1. its size and mtime have stayed the same, poll after poll, for the quiet period
     (`--quiet`, default QUIET_SECONDS): a copy that pauses between chunks (a slow network
     share, a script writing a page at a time) is not taken between two of them. It is counted
     from the first poll that saw them so, since a file's mtime may be set to anything
     (`cp -p`, unzip); and
  2. it looks whole: not empty; a ZIP container (DOCX, XLSX, …) opens with its central directory,
     which is written last; a PDF has `%%EOF` in its last kilobyte. Other files (text, images)
     have only rule 1.
  A file that is stable but never looks whole (a truncated upload) is taken anyway once it has
  been unchanged for GIVE_UP_AFTER seconds, and is then reported as damaged or empty, as it is.
  Names of partial downloads (.part, .crdownload, …) are ignored; hidden files already are.
  Entries that are not documents (broken links, pipes, …: flows/inputs.py) are printed once
  when first seen, and listed in OUT/skipped.csv with the run's files.

Nothing is lost or redone across restarts: on start every file in INBOX is looked at again, and
the flow skips those whose report.json records the same content hash (flows/resume.py). A file
that changes after it was processed is processed again (its hash differs).

The dataset, documents.csv, series.csv and summary.html cover every document of INBOX that has
a report, and the series checks (the same agency's other years, other copies of a report) are
made over all of them. They are brought up to date once the inbox is quiet after a batch (every
file seen has been handed over), or RUN_FILES_EVERY seconds after a batch while files keep
arriving, and when the watcher stops. The update is incremental (outputs/run_files.py: only the
reports changed since are read), but dataset.csv is rewritten whole and documents.csv and
summary.html too, so not after every batch of a trickle.

OUT is locked (outputs/lock.py: OutputLock) during each batch only, so `nianbao reprocess` and
the review page can write to it while the watcher waits; OUT/.nianbao-watch.lock keeps a second
watcher out.

`Watcher.step()` is one look at the folder; the command (cli/watch.py) calls it every interval
until Ctrl-C, and `finish()` once at the end. Whatever was cut short by a hard stop is simply
done again on the next start.
"""

from __future__ import annotations

import os
import stat
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits
from outputs.lock import OutputBusy, OutputLock
from outputs.run_files import write_run_outputs

from . import batch
from .inputs import Job, Skipped, find_documents
from .resume import Brief
from .workers import WorkerPool

PARTIAL_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".filepart", ".tmp", "~")
GIVE_UP_AFTER = 120.0  # seconds a stable file may look incomplete before it is taken anyway
QUIET_SECONDS = 10.0  # seconds a file must stay unchanged before it is taken (`--quiet`)
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

    def __init__(self, inbox: Path, out: Path, quiet: float = QUIET_SECONDS):
        self.inbox, self.out, self.quiet_for = inbox, out, quiet
        self.previous: dict[Path, tuple[int, int]] = {}  # path -> (size, mtime_ns) last poll
        self.stable_since: dict[Path, float] = {}  # path -> when it was first seen so
        self.handled: dict[Path, tuple[int, int]] = {}  # path -> signature when handed over
        self.skipped: list[Skipped] = []  # the entries of the last poll that are not documents

    def poll(self) -> tuple[list[Job], list[Job]]:
        """(ready jobs, all jobs now in the inbox). FileNotFoundError if the inbox is gone."""
        found = find_documents([self.inbox], self.out)
        self.skipped = found.skipped
        # By the name it has in the inbox: a link's target may be named otherwise.
        jobs = [j for j in found if not j.doc_id.lower().endswith(PARTIAL_SUFFIXES)]
        now = time.monotonic()
        current, ready = {}, []
        for job in jobs:
            try:
                st = os.stat(job.path)
            except OSError:
                continue  # gone since the walk
            if not stat.S_ISREG(st.st_mode):
                continue  # replaced since the walk (by a FIFO?): never opened
            signature = (st.st_size, st.st_mtime_ns)
            current[job.path] = signature
            if self.previous.get(job.path) != signature:
                self.stable_since[job.path] = now
                continue
            if self.handled.get(job.path) == signature:
                continue
            if self._settled(job.path, st.st_size, now - self.stable_since[job.path]):
                ready.append(job)
        self.previous = current
        for gone in set(self.stable_since) - set(current):
            del self.stable_since[gone]
        for gone in set(self.handled) - set(current):
            del self.handled[gone]
        return ready, [j for j in jobs if j.path in current]

    def _settled(self, path: Path, size: int, unchanged_for: float) -> bool:
        """Rules 1 and 2 (module docstring), for a file seen unchanged by two polls at least."""
        if unchanged_for < self.quiet_for:
            return False
        return ready_to_read(path, size) or unchanged_for >= max(GIVE_UP_AFTER, self.quiet_for)

    def mark_handled(self, job: Job) -> None:
        self.handled[job.path] = self.previous[job.path]

    def quiet(self) -> bool:
        """Was every file seen by the last poll handed over, unchanged since?"""
        return all(self.handled.get(path) == sig for path, sig in self.previous.items())


class Watcher:
    """Looks at INBOX, processes what is ready into OUT, and keeps OUT's run files current.
    `say` prints a line for the user; `on_document` is handed each document's brief."""

    def __init__(
        self,
        inbox: Path,
        out: Path,
        workers: int,
        say: Callable[[str], None],
        on_document: Callable[[Job, Brief], None],
        quiet: float = QUIET_SECONDS,
        limits: Limits = DEFAULT_LIMITS,
    ):
        self.inbox = Inbox(inbox, out, quiet)
        self.out, self.workers, self.limits = out, workers, limits
        self.pool: WorkerPool | None = None  # started at the first batch, kept for the next
        self.say, self.on_document = say, on_document
        self.present: list[Job] = []
        self.stale_since: float | None = None  # when a batch was done that the run files lack
        self.waiting = False
        self.skipped_said: set[Skipped] = set()  # the skipped entries printed, still there
        self.skipped_written: list[Skipped] = []  # those in OUT/skipped.csv
        self.inbox_missing = False

    def step(self) -> None:
        try:
            ready, self.present = self.inbox.poll()
        except FileNotFoundError:  # the inbox is gone (unmounted?): wait for it, change nothing
            if not self.inbox_missing:
                self.say(f"找不到文件夹：{self.inbox.inbox}。 No such folder; waiting for it.")
            self.inbox_missing = True
            return
        self.inbox_missing = False
        self._note_skipped(self.inbox.skipped)
        if ready:
            self._run_batch(ready)
        if self.stale_since is None:
            return
        due = (
            not ready and self.inbox.quiet()
        ) or time.monotonic() - self.stale_since >= RUN_FILES_EVERY
        if due and self._write_run_files():
            self.stale_since = None

    def finish(self) -> None:
        """At stop: the run's files, if a batch is not in them yet; the workers stop."""
        if self.pool is not None:
            self.pool.close()
        if self.stale_since is not None and not self._write_run_files():
            self.say(
                f"{self.out} is being written by another nianbao: its documents.csv, "
                "dataset and summary.html will be rewritten by the next run or watch."
            )

    def _run_batch(self, ready: list[Job]) -> None:
        # OUT is locked per batch, not while idle: `reprocess` and the review page can write
        # between batches, and a batch waits for them.
        try:
            lock = OutputLock(self.out)
        except OutputBusy:
            if not self.waiting:
                self.say(f"{self.out} is being written by another nianbao; waiting.")
            self.waiting = True
            return
        self.waiting = False
        started = time.perf_counter()
        batch.on_document_done = self._document_done
        try:
            with lock:
                self.pool = self.pool or WorkerPool(self.workers, self.limits)
                counts = batch.run(ready, self.out, self.workers, pool=self.pool)
        finally:
            batch.on_document_done = None
        self.say(
            f"{counts['processed'] + counts['skipped']} files ready in "
            f"{time.perf_counter() - started:.1f}s: {batch.summary_counts(counts)}."
        )
        self.stale_since = self.stale_since or time.monotonic()

    def _note_skipped(self, skipped: list[Skipped]) -> None:
        """Print each new skipped entry once; a change to them makes skipped.csv stale."""
        for entry in skipped:
            if entry not in self.skipped_said:
                self.say(f"跳过 skipped: {entry.path}  {entry.reason} ({entry.code})")
        self.skipped_said = set(skipped)  # one that goes and comes back is printed again
        if skipped != self.skipped_written:
            self.stale_since = self.stale_since or time.monotonic()

    def _document_done(self, job: Job, outcome: Brief) -> None:
        self.inbox.mark_handled(job)
        self.on_document(job, outcome)

    def _write_run_files(self) -> bool:
        try:
            lock = OutputLock(self.out)
        except OutputBusy:
            return False
        started = time.perf_counter()
        skipped = self.inbox.skipped
        with lock:
            write_run_outputs([j.doc_id for j in self.present], self.out, skipped=skipped)
        self.skipped_written = skipped
        left_out = f", {len(skipped)} inputs skipped (skipped.csv)" if skipped else ""
        self.say(
            f"documents.csv, dataset.csv/.parquet, series.csv, summary.html: {len(self.present)} "
            f"documents{left_out} ({time.perf_counter() - started:.1f}s)."
        )
        return True
