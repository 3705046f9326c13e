"""`nianbao reprocess`: read chosen pages of one processed document again with other scan
settings (dpi, OCR mode), and update its outputs in place. Corrections made on the review page
are re-applied by process_document, so they are kept."""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

from . import settings  # noqa: F401  (must precede prefect)
from prefect import flow

from canonical.writers import REPORT_NAME
from ocr.settings import ScanSettings

from .document import process_document
from .inputs import sha256_file

SCANNED_FORMATS = ("pdf", "image")


class CannotReprocess(Exception):
    """Why a document cannot be reprocessed, in words for the user."""


def plan(doc_dir: Path, pages: list[int] | None, dpi: float | None, ocr: str,
         source: Path | None = None) -> tuple[Path, str, ScanSettings]:
    """Check the request against the document's report; returns (input file, shown path,
    settings)."""
    report_path = doc_dir / REPORT_NAME
    if not report_path.is_file():
        raise CannotReprocess(f"{doc_dir} 里没有 report.json：请给出 nianbao run 输出的某个文件的文件夹。")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    found = report["source"]
    path = source or Path(found.get("file") or "")
    if not path.is_file():
        raise CannotReprocess(f"找不到原始文件 {path}；如果它被移动了，请用 --source 指明新位置。")
    if found.get("sha256") and sha256_file(path) != found["sha256"]:
        raise CannotReprocess(f"{path} 的内容已经和处理时不同；请用 nianbao run 重新处理它。")
    if found.get("format") not in SCANNED_FORMATS:
        raise CannotReprocess("只有扫描的 PDF 页面和图片可以重新识别；这个文件是"
                              f"“{found.get('format')}”格式，没有需要识别的页面。")
    if pages and found.get("pages") and not all(1 <= p <= found["pages"] for p in pages):
        raise CannotReprocess(f"页码超出范围：这个文件共 {found['pages']} 页。")
    return path, found["path"], ScanSettings(dpi=dpi, ocr=ocr,
                                             pages=frozenset(pages) if pages else None)


@flow(name="nianbao-reprocess", validate_parameters=False)
def reprocess_flow(path: str, doc_dir: str, shown_path: str, scan: ScanSettings) -> dict:
    return process_document(Path(path), Path(doc_dir), shown_path, scan)


def reprocess(doc_dir: Path, pages: list[int] | None = None, dpi: float | None = None,
              ocr: str = "cells", source: Path | None = None) -> dict:
    path, shown, scan = plan(doc_dir, pages, dpi, ocr, source)
    return reprocess_flow(str(path), str(doc_dir), shown, scan)


def output_root(doc_dir: Path) -> Path | None:
    """The run's output folder holding `doc_dir` (where documents.csv is), if any."""
    for folder in doc_dir.resolve().parents:
        if (folder / "documents.csv").is_file():
            return folder
    return None


def reprocess_command(doc_dir: Path, pages: list[int] | None, dpi: float | None, ocr: str,
                      source: Path | None) -> int:
    from .batch import refresh_run_outputs
    from .cli import STATUS_MARK, _describe
    from .resume import OutputBusy, OutputLock, brief

    try:
        path, shown, scan = plan(doc_dir, pages, dpi, ocr, source)
    except CannotReprocess as e:
        print(e, file=sys.stderr)
        return 2
    out = output_root(doc_dir)
    try:
        lock = OutputLock(out) if out else contextlib.nullcontext()
    except OutputBusy as e:
        print(e, file=sys.stderr)
        return 2
    with lock:
        report = reprocess_flow(str(path), str(doc_dir), shown, scan)
        if out:
            refresh_run_outputs(out)
    print(f"{STATUS_MARK[report['status']]}  {shown}  {_describe(brief(report))}")
    return 1 if report["status"] == "failed" else 0
