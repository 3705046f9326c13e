"""Documents in worker processes, so that one document can take down only itself.

Each worker is a process of its own (started with `spawn`: no threads or Prefect state are
inherited), with an address-space cap (`Limits.memory_mb`, RLIMIT_AS), that processes one
document at a time and stays alive for the next. The caller waits on it for at most
`Limits.timeout` seconds. A worker that runs over its time, dies (a native crash, the kernel's
OOM killer) or hits its memory cap is killed and replaced, and its document is `failed`
(`timeout`, `crashed` or `too_large`) with a report written here, in the words of the limit it
broke. A pool's workers also stop when the process that started them dies.

Documents still run in Prefect's task threads (flows/batch.py), but each thread only waits on a
pipe, so the documents of a run use as many cores as there are workers: parsing PDFs and OCR
hold the GIL, which threads alone cannot share.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from model.limits import LimitExceeded, Limits

from .document import failed_document, process_document
from .resume import Brief, brief

SPAWN = multiprocessing.get_context("spawn")
START_TIMEOUT = 300.0  # seconds a new worker may take to import everything (a busy machine)
READY = "ready"


@dataclass(frozen=True)
class Task:
    """One document for a worker: where it is, where its outputs go, its name in them."""

    path: str
    doc_dir: str
    shown_path: str


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, limits: Limits):
        self.conn, child = SPAWN.Pipe()
        self.process = SPAWN.Process(
            target=_serve, args=(child, limits, os.getpid()), name="nianbao-worker", daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def run(self, task: Task, timeout: float) -> Brief | str:
        """The document's brief, or why the worker did not give one ("timeout", "crashed").
        A new worker's start (imports, a few seconds) is not counted in the document's time."""
        try:
            if not self.ready:
                if not self.conn.poll(START_TIMEOUT) or self.conn.recv() != READY:
                    return "crashed"
                self.ready = True
            self.conn.send(task)
            if not self.conn.poll(timeout):
                return "timeout"
            return self.conn.recv()
        except (EOFError, OSError):  # the process died: its end of the pipe closed
            return "crashed"

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """`size` workers; `process` hands a document to a free one, waiting for one if need be."""

    def __init__(self, size: int, limits: Limits):
        self.limits = limits
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: list[Worker] = []
        self._lock = threading.Lock()
        for _ in range(size):
            self._add()
        atexit.register(self.close)

    def process(self, path: Path, doc_dir: Path, shown_path: str) -> Brief:
        worker = self._idle.get()
        outcome = worker.run(Task(str(path), str(doc_dir), shown_path), self.limits.timeout)
        if isinstance(outcome, Brief):
            self._idle.put(worker)
            return outcome
        self._replace(worker)
        return brief(failed_document(path, doc_dir, shown_path, *self._failure(outcome)))

    def close(self) -> None:
        with self._lock:
            for worker in self._all:
                worker.stop()
            self._all.clear()

    def _failure(self, outcome: str) -> tuple[str, str]:
        if outcome == "timeout":
            return "timeout", str(LimitExceeded("timeout", None, self.limits.timeout))
        return "crashed", (
            "处理该文件的进程意外退出（可能是文件异常导致程序崩溃，或内存用尽），"
            "其他文件不受影响；请把该文件反馈给维护人员。"
        )

    def _add(self) -> None:
        worker = Worker(self.limits)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def _replace(self, worker: Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._add()


def _serve(conn: Connection, limits: Limits, parent: int) -> None:
    """A worker's life: cap its memory, then process documents until the pipe closes."""
    _cap_memory(limits.memory_mb)
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        report = process_document(
            Path(task.path), Path(task.doc_dir), task.shown_path, limits=limits
        )
        conn.send(brief(report))


def _cap_memory(megabytes: int) -> None:
    import resource

    cap = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _die_with(parent: int) -> None:
    """Stop when the process that started us is gone (killed with -9, say)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)
