"""The Prefect flow: one task per document, run concurrently; and the run's dataset.

Built for folders of thousands of files:
- documents already done with the same content are skipped (flows/resume.py), so a run killed
  at any point (kill -9 included) is resumed by running it again, and nothing is done twice;
- tasks are submitted in a bounded window (a few per worker), not all at once;
- memory does not grow with the number of documents: each document's brief (status, agency,
  year, counts) is handed to a callback (the CLI prints its line) and only counted; the jobs are
  run PART_SIZE per flow run, since Prefect keeps a record of each task run until its flow run
  ends; the run's dataset, series checks and OUT/summary.html are brought up to date after it
  from the report.json files on disk, of all the run's documents, skipped ones included
  (outputs/run_files.py: only the reports changed since the last run are read), so a resumed
  run's dataset equals a clean run's;
- a document that fails, even by a crash of its task, is a failed line, never the end of the run.
"""

from __future__ import annotations

import copy
import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits
from model.report import Status
from outputs.atomic import DISK_FULL, is_disk_full

from . import embedded_server
from .document import process_document
from .inputs import Job
from .resume import Brief, brief, previous_outcome
from .workers import WorkerPool

log = logging.getLogger(__name__)

# Called with (job, brief) as each document finishes; the CLI draws its progress bar with it.
# Not a flow parameter: Prefect validates and records parameters, and a callback is neither.
on_document_done: Callable[[Job, Brief], None] | None = None
# Set to stop submitting documents: those under way finish, and the flow returns what was done.
# `nianbao watch` sets it on Ctrl-C.
stop_requested = threading.Event()
# The worker processes documents run in on this machine (flows/workers.py); None on a Dask
# worker, where the document runs in the Dask worker's own process.
worker_pool: WorkerPool | None = None
WINDOW_PER_WORKER = 4  # documents submitted ahead per worker
DEFAULT_WINDOW = 32  # when the flow is called without one
PART_SIZE = 500  # documents per flow run (run_in_parts)


@task(name="document", cache_policy=NO_CACHE, task_run_name="{doc_id}")
def document_task(path: str, doc_id: str, out: str) -> Brief:
    # Only the brief goes back: Prefect keeps every task's result until the flow ends.
    pool = _worker_pool()
    if pool is not None:  # this machine: in a worker process (flows/workers.py)
        return pool.process(Path(path), Path(out) / doc_id, doc_id)
    return brief(process_document(Path(path), Path(out) / doc_id, doc_id))  # a Dask worker


@flow(name="nianbao-run", validate_parameters=False)
def run_documents(
    jobs: list[Job], out: str, force: bool = False, window: int | None = None
) -> dict[str, int]:
    """Process `jobs` (skipping those done, unless `force`), `window` at a time, handing each
    (job, brief) to `on_document_done`. Returns the counts: per status, processed, skipped.
    A skipped document's brief says so (`skipped`)."""
    out_dir = Path(out)
    window = max(1, window or DEFAULT_WINDOW)
    finished: queue.SimpleQueue = queue.SimpleQueue()
    in_flight: dict = {}
    counts: Counter = Counter()

    def done(job: Job, outcome: Brief) -> None:
        counts[outcome.status.value] += 1
        counts["skipped" if outcome.skipped else "processed"] += 1
        _document_done(job, outcome)

    def collect_one() -> None:
        future = finished.get()
        job = in_flight.pop(future)
        try:
            outcome = future.result()
        except BaseException as e:  # the task itself crashed (process_document never raises)
            if not isinstance(e, Exception):
                raise
            if is_disk_full(e):
                outcome = Brief(Status.FAILED, error=DISK_FULL, error_code="disk_full")
            else:
                log.exception("document task for %s crashed", job.doc_id)
                outcome = Brief(
                    Status.FAILED,
                    error=f"处理该文件的任务意外中止（{type(e).__name__}: {e}）。",
                    error_code="internal_error",
                )
        done(job, outcome)

    for job in jobs:
        if _stopping():
            break
        previous = None if force else previous_outcome(job, out_dir)
        if previous is not None:
            done(job, previous)
            continue
        while len(in_flight) >= window:
            collect_one()
        future = document_task.submit(str(job.path), job.doc_id, out)
        in_flight[future] = job
        future.add_done_callback(finished.put)
    while in_flight:
        collect_one()
    return dict(counts)


def run_in_parts(
    jobs: list[Job], out: Path, task_runner, window: int, force: bool = False
) -> Counter:
    """Run the flow over `jobs`, PART_SIZE documents per flow run. Returns the counts of all.
    The run's files (write_run_outputs) are the caller's to write.

    Why parts: a flow run keeps a record of each of its task runs (about 5 KB) until it ends,
    so one flow run over 100,000 documents would hold 500 MB. Parts keep memory flat."""
    embedded_server.install()
    parts = range(0, len(jobs), PART_SIZE)
    counts: Counter = Counter()
    for number, start in enumerate(parts, 1):
        if _stopping():
            break
        name = f"part {number} of {len(parts)}" if len(parts) > 1 else None
        flow = run_documents.with_options(task_runner=task_runner, flow_run_name=name)
        counts.update(
            flow(JobList(jobs[start : start + PART_SIZE]), str(out), force=force, window=window)
        )
    return counts


class JobList(list):
    """A flow run's list of jobs. Prefect hands the flow's parameters to every task it sends to
    a Dask worker (flows/scale.py), which has no use for them; this pickles as an empty list, so
    that sending a task costs the same whatever the number of documents."""

    def __reduce__(self):
        return JobList, ()

    def __copy__(self):  # copies are real ones; only pickling leaves the jobs behind
        return JobList(self)

    def __deepcopy__(self, memo):
        return JobList(copy.deepcopy(list(self), memo))


# The flow's function reaches these globals only through functions: a Dask run
# (flows/scale.py) pickles the flow's function with the globals it names, and neither the CLI's
# callback (a progress bar, with its locks), an Event nor a pool of processes can be pickled.
def _document_done(job: Job, outcome: Brief) -> None:
    if on_document_done:
        on_document_done(job, outcome)


def _worker_pool() -> WorkerPool | None:
    return worker_pool


def _stopping() -> bool:
    return stop_requested.is_set()


def summary_counts(counts: dict[str, int]) -> str:
    """A run's counts in words."""
    return (
        f"{counts['processed']} processed, {counts['skipped']} skipped (already done); "
        f"{counts['ok']} ok, {counts['needs_review']} need review, {counts['failed']} failed"
    )


def run(
    jobs: list[Job],
    out: Path,
    workers: int,
    force: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    pool: WorkerPool | None = None,
) -> Counter:
    """The flow on this machine, `workers` documents at a time, each in a worker process of
    `pool` (one of `workers` processes with `limits` is started for the run if none is given)."""
    global worker_pool
    own = pool is None
    worker_pool = pool or WorkerPool(workers, limits)
    try:
        return run_in_parts(
            jobs,
            out,
            ThreadPoolTaskRunner(max_workers=workers),
            WINDOW_PER_WORKER * workers,
            force=force,
        )
    finally:
        if own:
            worker_pool.close()
        worker_pool = None
