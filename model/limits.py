"""What one document may cost, in one place: limits no real report reaches, so that a small
hostile file (a zip bomb, a 20000-point page, a TIFF of 300 frames, a gridSpan of 2e9) fails
alone with a clear message instead of taking the machine. `nianbao run` can raise each one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_pages: int = 500  # pages of a PDF
    max_megapixels: float = 100.0  # one page as rendered or decoded (A0 at 300 dpi is 140)
    max_frames: int = 200  # frames of an image file, or image files of one report's folder
    max_part_mb: float = 50.0  # a DOCX part once decompressed, or a text file
    max_cells: int = 20_000  # grid positions of one table (a merged cell counts each one)
    timeout: float = 300.0  # wall seconds for one document
    memory_mb: int = 6_000  # address space of one worker process


# The command-line option and the words for each limit, for the message that names it.
OPTIONS = {
    "max_pages": ("--max-pages", "页数"),
    "max_megapixels": ("--max-megapixels", "单页像素（百万）"),
    "max_frames": ("--max-frames", "图像帧数"),
    "max_part_mb": ("--max-part-mb", "解压后的文件内容（MB）"),
    "max_cells": ("--max-cells", "表格单元格数"),
    "timeout": ("--timeout", "处理时间（秒）"),
    "memory_mb": ("--memory-mb", "内存（MB）"),
}

DEFAULT = Limits()


class LimitExceeded(Exception):
    """A document over one of its limits; the message says which, and how to raise it."""

    def __init__(self, limit: str, found: float | None, allowed: float):
        option, words = OPTIONS[limit]
        over = f"为 {found:g}，上限是 {allowed:g}" if found is not None else f"超过上限 {allowed:g}"
        super().__init__(
            f"文件超过处理上限：{words}{over}。"
            f"这通常说明文件异常；如确需处理，可用 nianbao run {option} 调高上限。"
        )
        self.limit = limit


def check(limits: Limits, limit: str, found: float) -> None:
    """Raise LimitExceeded when `found` is over `limits`' value of `limit`."""
    allowed = getattr(limits, limit)
    if found > allowed:
        raise LimitExceeded(limit, found, allowed)
