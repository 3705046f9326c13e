"""`nianbao reprocess`: read chosen pages of one processed document again with other scan
settings (dpi, OCR mode), and update its outputs in place. Corrections made on the review page
are re-applied by process_document, so they are kept."""

from __future__ import annotations

import contextlib
from pathlib import Path

from prefect import flow
from pydantic import ValidationError

from model.files import sha256_file
from model.report import Report
from model.settings import ScanSettings
from outputs.layout import DOCUMENTS_NAME, REPORT_NAME
from outputs.lock import OutputLock
from outputs.run_files import read_report, refresh_run_outputs

from . import embedded_server
from .document import process_document

SCANNED_FORMATS = ("pdf", "image")


class CannotReprocess(Exception):
    """Why a document cannot be reprocessed, in words for the user."""


def plan(
    doc_dir: Path, pages: list[int] | None, dpi: float | None, ocr: str, source: Path | None = None
) -> tuple[Path, str, ScanSettings]:
    """Check the request against the document's report; returns (input file, shown path,
    settings)."""
    if not (doc_dir / REPORT_NAME).is_file():
        raise CannotReprocess(
            f"{doc_dir} 里没有 report.json：请给出 nianbao run 输出的某个文件的文件夹。"
        )
    try:
        found = read_report(doc_dir).source
    except (ValueError, ValidationError) as e:
        raise CannotReprocess(f"{doc_dir} 的 report.json 无法读取（{type(e).__name__}）。") from e
    path = source or Path(found.file or "")
    if not path.is_file():
        raise CannotReprocess(f"找不到原始文件 {path}；如果它被移动了，请用 --source 指明新位置。")
    if found.sha256 and sha256_file(path) != found.sha256:
        raise CannotReprocess(f"{path} 的内容已经和处理时不同；请用 nianbao run 重新处理它。")
    if found.format not in SCANNED_FORMATS:
        raise CannotReprocess(
            "只有扫描的 PDF 页面和图片可以重新识别；这个文件是"
            f"“{found.format}”格式，没有需要识别的页面。"
        )
    if pages and found.pages and not all(1 <= p <= found.pages for p in pages):
        raise CannotReprocess(f"页码超出范围：这个文件共 {found.pages} 页。")
    return (
        path,
        found.path,
        ScanSettings(dpi=dpi, ocr=ocr, pages=frozenset(pages) if pages else None),
    )


@flow(name="nianbao-reprocess", validate_parameters=False)
def reprocess_flow(path: str, doc_dir: str, shown_path: str, scan: ScanSettings) -> Report:
    return process_document(Path(path), Path(doc_dir), shown_path, scan)


def reprocess(
    doc_dir: Path,
    pages: list[int] | None = None,
    dpi: float | None = None,
    ocr: str = "cells",
    source: Path | None = None,
) -> tuple[str, Report]:
    """Read the document again and rewrite its outputs, and the run's files around it, under
    OUT's lock. Returns (shown path, report). Raises CannotReprocess, or OutputBusy."""
    path, shown, scan = plan(doc_dir, pages, dpi, ocr, source)
    embedded_server.install()
    out = output_root(doc_dir)
    with OutputLock(out) if out else contextlib.nullcontext():
        report = reprocess_flow(str(path), str(doc_dir), shown, scan)
        if out:
            refresh_run_outputs(out)
    return shown, report


def output_root(doc_dir: Path) -> Path | None:
    """The run's output folder holding `doc_dir` (where documents.csv is), if any."""
    for folder in doc_dir.resolve().parents:
        if (folder / DOCUMENTS_NAME).is_file():
            return folder
    return None
