"""What identifies an input: which files it is made of, and the sha256 of their content."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path


def page_files(path: Path) -> list[Path]:
    """The files a document is made of: itself, or a folder's files in name order (a folder
    of one report's page images)."""
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def sha256_file(path: Path) -> str:
    """The content's sha256: what identifies a document across renames and reruns. For a
    folder of one report's pages, of its files' names and contents in order."""
    digest = hashlib.sha256()
    if path.is_dir():
        for file in page_files(path):
            digest.update(f"{file.name}\0{sha256_file(file)}\n".encode())
        return digest.hexdigest()
    # Non-blocking open, then only a regular file is read: a file swapped for a FIFO after the
    # folder was listed would otherwise block here for ever.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "不是普通文件（管道、设备等）", str(path))
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
