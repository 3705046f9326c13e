"""Expand the user's PATHs into documents and where each one's outputs go.

The walk never raises for what it finds in a folder (only for a PATH given that does not
exist): each entry is either a document (a Job) or a skipped input with its reason.

- Links are followed, to files and to folders, inside or outside the folder given: a folder of
  links to an archive's files is a common way to make a selection. A document's id is the path
  it was found at, relative to the folder given (the link's path, not its target's); its
  `path` is the target, resolved once. A file reached twice is one document, named by a path
  without links if it has one, otherwise by the first in name order.
- A folder link to a folder above it (a loop) is not entered: it is skipped (link_loop).
- Only regular files are documents. FIFOs, sockets, devices and the files of /proc and /sys are
  skipped, never opened: a FIFO blocks whoever reads it, /proc/self/mem cannot be read.
- A name that is not UTF-8 (a GBK name from an old archive) is skipped, to be renamed: the
  path of every document goes to Prefect as JSON and into report.json, which cannot hold
  those bytes.
- Hidden files and folders, Office lock files (~$…) and anything inside OUT are left out
  silently, as they are not inputs.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

SYSTEM_FOLDERS = ("/proc", "/sys")  # their "regular" files are the kernel's, not documents


@dataclass(frozen=True)
class Job:
    path: Path  # the input file (a link's target, resolved)
    doc_id: str  # its path relative to the folder given: names its output folder


class Skipped(NamedTuple):
    """An entry of a folder given that is not a document, and why (OUT/skipped.csv)."""

    path: str  # relative to the folder given, like a document's id; bytes not UTF-8 as \\xNN
    code: str  # broken_link, link_loop, not_regular, not_listable, unreadable, name_not_utf8
    reason: str  # in Chinese, for the clerk


class Found(list):
    """The jobs found, in document id order (a list of Job, as callers have always used it),
    and `skipped`: the entries that are not documents, in path order."""

    def __init__(self, jobs: list[Job], skipped: list[Skipped]):
        super().__init__(jobs)
        self.skipped = skipped


def find_documents(paths: list[Path], out: Path, one_report: Iterable[Path] = ()) -> Found:
    """Files under `paths`, walked recursively (module docstring says which). Each folder in
    `one_report` holds the page images of one report: it is one document, not one per file.
    Raises FileNotFoundError only for a PATH that does not exist."""
    joined = {os.path.realpath(p) for p in one_report}
    walk = _Walk(_common_root(paths, joined), os.path.realpath(out), joined)
    for given in paths:
        walk.add_given(given)
    return walk.found()


class _Walk:
    """One find_documents: the documents and skipped entries met so far."""

    def __init__(self, root: str, out: str, joined: set[str]):
        self.root, self.out, self.joined = root, out, joined
        # resolved path -> (reached through a link, id): the best name of each file so far
        self.best: dict[str, tuple[bool, PurePosixPath]] = {}
        self.skipped: dict[str, Skipped] = {}

    def found(self) -> Found:
        jobs = sorted((doc_id, real) for real, (_, doc_id) in self.best.items())
        skipped = sorted(self.skipped.values())
        return Found([Job(Path(real), doc_id.as_posix()) for doc_id, real in jobs], skipped)

    def add_given(self, given: Path) -> None:
        path = os.path.abspath(given)
        if not os.path.lexists(path):
            raise FileNotFoundError(f"找不到输入路径：{given}")
        real = os.path.realpath(path)
        if real in self.joined or not os.path.isdir(path):
            self.add_entry(path, linked_above=False)
        elif self._folder_ok(path, real):
            self._walk(path, real)

    def add_entry(self, path: str, linked_above: bool, folder_real: str | None = None) -> None:
        """A file, or a one-report folder: a document, or a skipped entry. `folder_real` is
        its folder, resolved: a file that is not a link is then not resolved again."""
        try:
            mode = os.lstat(path).st_mode
            via_link = linked_above or stat.S_ISLNK(mode)
            if stat.S_ISLNK(mode) or folder_real is None:
                real = os.path.realpath(path, strict=True)
                mode = os.stat(real).st_mode
            else:
                real = os.path.join(folder_real, os.path.basename(path))
        except OSError as e:
            self._skip_error(path, e)
            return
        if _inside(real, self.out) or not self._names_ok(path, real):
            return  # our own outputs, or skipped
        if real in self.joined and stat.S_ISDIR(mode):
            self._keep(path, real, via_link)
        elif not stat.S_ISREG(mode) or _system(real):
            self._skip(path, "not_regular", "不是普通文件（管道、套接字、设备或系统文件），不读取")
        elif not os.access(real, os.R_OK):
            self._skip(path, "unreadable", "无法读取：没有读取权限")
        else:
            self._keep(path, real, via_link)

    def _walk(self, top: str, top_real: str) -> None:
        # Each folder to walk -> (the resolved folders from `top` down to it, whether a link
        # was followed on the way). A link to one of them, or to a folder that holds it, is a
        # loop and is not entered.
        below: dict[str, tuple[tuple[str, ...], bool]] = {top: ((top_real,), False)}
        for dirpath, dirnames, filenames in os.walk(
            top, onerror=self._unlistable, followlinks=True
        ):
            chain, via_link = below.pop(dirpath)
            kept = []
            pages = {f.lower() for f in filenames if f.lower().endswith((".htm", ".html"))}
            for name in sorted(dirnames):
                path = os.path.join(dirpath, name)
                real = os.path.realpath(path)
                if name.startswith(".") or _inside(real, self.out) or _page_files(name, pages):
                    continue
                if real in self.joined:
                    self.add_entry(path, via_link)
                elif self._folder_ok(path, real, chain):
                    below[path] = ((*chain, real), via_link or os.path.islink(path))
                    kept.append(name)
            dirnames[:] = kept
            for name in sorted(filenames):
                if _is_document(name):
                    self.add_entry(os.path.join(dirpath, name), via_link, folder_real=chain[-1])

    def _folder_ok(self, path: str, real: str, chain: tuple[str, ...] = ()) -> bool:
        """May the walk enter this folder? If not, it is a skipped entry."""
        if real in chain or (chain and _inside(chain[-1], real)):
            self._skip(path, "link_loop", "文件夹链接指向它的上级文件夹（循环），不进入")
        elif _system(real):
            self._skip(path, "not_regular", "系统文件夹（/proc、/sys），不读取")
        else:
            return self._names_ok(path, real)
        return False

    def _names_ok(self, path: str, real: str) -> bool:
        """Can its id and its path go to Prefect and into report.json? If not, it is skipped."""
        relative = self._relative(path)
        if _utf8(relative) and _utf8(real):
            return True
        self._skip(path, "name_not_utf8", _not_utf8_reason(relative))
        return False

    def _keep(self, path: str, real: str, via_link: bool) -> None:
        # A file reached twice is one document: named by a path without links if it has one.
        candidate = (via_link, PurePosixPath(self._relative(path)))
        if real not in self.best or candidate < self.best[real]:
            self.best[real] = candidate

    def _unlistable(self, error: OSError) -> None:
        """os.walk's onerror: a folder that cannot be listed."""
        why = "没有权限" if error.errno in (errno.EACCES, errno.EPERM) else error.strerror
        self._skip(error.filename or self.root, "not_listable", f"无法列出文件夹内容：{why}")

    def _skip_error(self, path: str, error: OSError) -> None:
        if error.errno == errno.ELOOP:
            self._skip(path, "link_loop", "链接形成循环，指不到文件")
        elif error.errno in (errno.ENOENT, errno.ENOTDIR):
            if os.path.islink(path):  # otherwise it was deleted since the folder was listed
                self._skip(path, "broken_link", "链接指向的文件不存在")
        elif error.errno in (errno.EACCES, errno.EPERM):
            self._skip(path, "unreadable", "无法读取：没有权限")
        else:
            self._skip(path, "unreadable", f"无法读取：{error.strerror}")

    def _skip(self, path: str, code: str, reason: str) -> None:
        shown = self._shown(path)
        self.skipped[shown] = Skipped(shown, code, reason)

    def _relative(self, path: str) -> str:
        """Relative to the folder given: a document's id. Every path walked starts with it."""
        prefix = self.root.rstrip("/") + "/"
        return path.removeprefix(prefix) if path != self.root else "."

    def _shown(self, path: str) -> str:
        """How a skipped path is shown: as its id would be, bytes not UTF-8 as \\xNN."""
        return os.fsencode(self._relative(path)).decode("utf-8", "backslashreplace")


def _page_files(folder: str, pages: set[str]) -> bool:
    """Is `folder` the images folder a browser saved with a page beside it ("Save page as…
    complete": 报告.html and 报告_files/)? Its images belong to the page (extractors/html.py)."""
    lowered = folder.lower()
    for suffix in ("_files", ".files"):
        if lowered.endswith(suffix):
            stem = lowered[: -len(suffix)]
            return f"{stem}.htm" in pages or f"{stem}.html" in pages
    return False


def _is_document(name: str) -> bool:
    return not name.startswith((".", "~$"))


def _utf8(text: str) -> bool:
    """Does `text` encode as UTF-8? os.fsdecode keeps a name's other bytes as surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_utf8_reason(relative: str) -> str:
    """The reason, with the name as GBK reads it when it does (old Chinese archives)."""
    if _utf8(relative):  # the name is fine: the link leads to a path that is not
        return "链接指向的路径不是 UTF-8 编码，请改名"
    try:
        as_gbk = os.fsencode(relative).decode("gb18030")
    except UnicodeDecodeError:
        return "文件名不是 UTF-8 编码，请改名"
    return f"文件名不是 UTF-8 编码，请改名（按 GBK 读作“{as_gbk}”）"


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip("/") + "/")


def _system(real: str) -> bool:
    return any(_inside(real, folder) for folder in SYSTEM_FOLDERS)


def _common_root(paths: list[Path], joined: set[str]) -> str:
    """Outputs are named relative to the folder given (a file's own folder if a file is given,
    or a report's pages folder); with several, relative to their common folder. The folders
    as given, links not resolved: a document's id is the path it was found at."""
    folders = [
        os.path.abspath(p)
        if os.path.isdir(p) and os.path.realpath(p) not in joined
        else os.path.dirname(os.path.abspath(p))
        for p in paths
    ]
    return os.path.commonpath(folders)
