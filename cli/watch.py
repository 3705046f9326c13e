"""`nianbao watch INBOX`: process files as they arrive, until Ctrl-C (flows/watch.py says how).

Ctrl-C stops it cleanly: no new document is started, the ones under way finish and are
written, the dataset is written if a batch is not in it yet, and it exits 0. A second Ctrl-C
stops at once. SIGTERM between batches is the same as Ctrl-C; during a batch, Prefect's own
SIGTERM handling ends the flow run at once.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType

from prefect.exceptions import TerminationSignal

from flows import batch
from flows.watch import QUIET_SECONDS, Watcher
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits
from outputs.layout import WATCH_LOCK_NAME
from outputs.lock import OutputBusy, OutputLock

from .console import print_line


def watch_command(
    inbox: Path,
    out: Path,
    interval: float,
    workers: int,
    quiet: float = QUIET_SECONDS,
    limits: Limits = DEFAULT_LIMITS,
) -> int:
    """Watch `inbox` every `interval` seconds; a file is taken once unchanged for `quiet`."""
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

    def request_stop(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # the second time: stop now
            raise KeyboardInterrupt
        print(
            "正在停止… Stopping: finishing the documents under way (Ctrl-C again to stop now).",
            file=sys.stderr,
            flush=True,
        )
        stop.set()

    previous_handlers = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    watcher = Watcher(
        inbox, out, workers, say=_say, on_document=print_line, quiet=quiet, limits=limits
    )
    _say(
        f"Watching {inbox}/ every {interval:g}s (files are taken once unchanged for {quiet:g}s); "
        f"outputs in {out}/. Press Ctrl-C to stop."
    )
    try:
        with watcher_lock:
            while not stop.is_set():
                watcher.step()
                stop.wait(interval)
            watcher.finish()
    except (KeyboardInterrupt, TerminationSignal):
        print(
            "Stopped at once; what was under way is redone on the next start.",
            file=sys.stderr,
            flush=True,
        )
        return 130
    finally:
        for s, handler in previous_handlers.items():
            signal.signal(s, handler)
        stop.clear()
    print("Stopped.", file=sys.stderr, flush=True)
    return 0


def _say(line: str) -> None:
    print(line, flush=True)
