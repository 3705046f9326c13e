"""One writer per output folder at a time."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from .layout import LOCK_NAME, WATCH_LOCK_NAME

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows: no lock, one run per output folder is then up to the user
    fcntl = None


class OutputBusy(RuntimeError):
    """Another nianbao process is writing to this output folder."""


class OutputLock:
    """Holds OUT/<name> from creation until the `with` block ends.

    OUT/.nianbao.lock is held by whatever writes to OUT: a `run`, one batch of a `watch`, a
    `reprocess`, the review page refreshing the run's files. A second writer stops at once
    (OutputBusy) instead of racing for the same files, or with `wait`, waits for its turn.
    A watcher also holds OUT/.nianbao-watch.lock while it runs: one watcher per OUT.
    The lock is the kernel's (flock): a killed process never leaves it held. The empty file
    stays."""

    def __init__(self, out: Path, name: str = LOCK_NAME, wait: bool = False):
        out.mkdir(parents=True, exist_ok=True)
        self._file = open(out / name, "a+b")  # noqa: SIM115  (closed by __exit__)
        if fcntl is None:
            return
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            self._file.close()
            who = "watch" if name == WATCH_LOCK_NAME else "run, watch or reprocess"
            raise OutputBusy(
                f"另一个 nianbao 正在写入 {out}。 Another nianbao {who} is "
                f"writing to {out}; wait for it to finish, or use another --out."
            )

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()  # closing releases the flock
