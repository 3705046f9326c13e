"""Expand the user's PATHs into documents and where each one's outputs go."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Job:
    path: Path  # the input file
    doc_id: str  # its path relative to the folder given: names its output folder


def find_documents(paths: list[Path], out: Path, one_report: list[Path] = ()) -> list[Job]:
    """Files under `paths`, walked recursively, sorted; hidden files, Office lock files
    (~$…) and anything inside `out` are skipped. Each folder in `one_report` holds the page
    images of one report: it is one document, not one per file."""
    out = out.resolve()
    joined = {p.resolve() for p in one_report}
    files: list[Path] = []
    for given in paths:
        if given.resolve() in joined:
            files.append(given)
        elif given.is_dir():
            for dirpath, dirnames, filenames in os.walk(given):
                files += [
                    Path(dirpath, d)
                    for d in sorted(dirnames)
                    if Path(dirpath, d).resolve() in joined
                ]
                dirnames[:] = sorted(
                    d
                    for d in dirnames
                    if not d.startswith(".") and Path(dirpath, d).resolve() not in (out, *joined)
                )
                files += [Path(dirpath, f) for f in sorted(filenames) if _is_document(f)]
        elif given.is_file():
            files.append(given)
        else:
            raise FileNotFoundError(f"找不到输入路径：{given}")
    root = _common_root(paths, joined)
    unique = dict.fromkeys(f.resolve() for f in files)
    return [Job(f, f.relative_to(root).as_posix()) for f in sorted(unique)]


def _is_document(name: str) -> bool:
    return not name.startswith((".", "~$"))


def _common_root(paths: list[Path], joined: set[Path]) -> Path:
    """Outputs are named relative to the folder given (a file's own folder if a file is given,
    or a report's pages folder); with several, relative to their common folder."""
    folders = [
        p.resolve() if p.is_dir() and p.resolve() not in joined else p.resolve().parent
        for p in paths
    ]
    return Path(os.path.commonpath(folders))
