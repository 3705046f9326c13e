"""Files appear whole or not at all: written to a temporary name beside them, then renamed."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .layout import TEMP_SUFFIX


def _file_mode() -> int:
    """0666 less the process's umask: the mode open() gives a new file (0644 usually)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


DISK_FULL = "输出文件夹所在的磁盘已满，无法写入结果；请腾出空间后重新运行（已完成的文件不会重做）。"


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_writer(path) as f:
        f.write(data)


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at `path` only when the block ends without an error. Until
    then it is `.<name>.<random>.tmp` beside it (left behind only by a hard kill: a rerun
    removes it with remove_temp_files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600; outputs are for everyone who may read OUT
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_temp_files(folder: Path, names: Iterable[str]) -> None:
    """Remove `.<name>.*.tmp` for each of `names` in `folder` (atomic_writer's temporary names)."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    prefixes = tuple(f".{name}." for name in names)
    for entry in entries:
        if entry.startswith(prefixes) and entry.endswith(TEMP_SUFFIX):
            (folder / entry).unlink(missing_ok=True)
