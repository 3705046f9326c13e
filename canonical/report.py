"""One document's report.json (FORMAT.md), including its status.

status:
- ok: every table found, every cell read with high confidence, and any failed identity is the
  source's own (all its cells were read exactly, so the printed table is inconsistent).
- needs_review: a table or cell is missing, a cell is unsure, or a failed identity involves an
  unsure cell (it may be a misreading).
- failed: the document could not be read, or is not an annual report; `error` says why.
"""
from __future__ import annotations

from .checks import Check
from .corrections import Correction
from .model import IN_FAILED_CHECK, LOW_CONFIDENCE, MISSING, CanonicalDocument, Cell
from .schema import TABLES

SCHEMA_VERSION = 1
REVIEW_BELOW = 0.90  # a value less likely than this to be right is flagged for review
# Read at least this surely, a failed identity is the source's error. On 3,000 cells of fresh
# scans at every degradation level (bench/run.py --scans) no wrong cell scored above 0.5.
EXACT = 0.98

EMPTY_TABLES = "找到了年度报告的表格，但表格里没有填写任何数字（可能是空白模板）。"
NOT_A_REPORT = ("文件中没有找到年度报告的三张表格（主动公开、收到和处理申请、行政复议和诉讼），"
                "它可能不是政府信息公开工作年度报告。")


def build_report(source: dict, agency: str | None, year: int | None, doc: CanonicalDocument,
                 checks: list[Check], corrections: list[Correction], warnings: list[str]) -> dict:
    if not doc.tables:
        return failed_report(source, NOT_A_REPORT, "not_a_report", warnings)
    cells = {(t, c.row, c.col): c for t, c in doc.all_cells()}
    if all(c.value is None for c in cells.values()):
        return failed_report(source, EMPTY_TABLES, "empty_tables", warnings)
    for cell in cells.values():
        if cell.confidence < REVIEW_BELOW and MISSING not in cell.flags:
            cell.flag(LOW_CONFIDENCE)
    for check in checks:
        involved = [cells[ref] for ref in check.cells if ref in cells]
        check.cause = "source" if all(c.confidence >= EXACT for c in involved) else "reading"
        for cell in involved:
            cell.flag(IN_FAILED_CHECK)
    warnings = list(warnings) + [f"没有找到表格：{t.title}" for t in TABLES if t.id not in doc.tables]
    unsure = [c for c in cells.values() if {MISSING, LOW_CONFIDENCE} & set(c.flags)]
    needs_review = bool(unsure) or len(doc.tables) < len(TABLES) or \
        any(check.cause != "source" for check in checks)
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "agency": agency,
        "year": year,
        "status": "needs_review" if needs_review else "ok",
        "tables": {t.id: {**({"other_layout": t.other_layout} if t.id == "applications" else {}),
                          "cells": [_cell_json(c) for c in t.ordered_cells()]}
                   for t in (doc.tables[s.id] for s in TABLES if s.id in doc.tables)},
        "checks": [_check_json(c) for c in checks],
        "corrections": [c.as_json() for c in corrections],
        "summary": {
            "cells": len(cells),
            "unsure_cells": len(unsure),
            "failed_checks": len(checks),
            "source_errors": sum(c.cause == "source" for c in checks),
            "corrections": len(corrections),
        },
        "warnings": warnings,
        "error": None,
    }


def failed_report(source: dict, error: str, code: str = "unreadable",
                  warnings: list[str] = ()) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "agency": None,
        "year": None,
        "status": "failed",
        "tables": {},
        "checks": [],
        "corrections": [],
        "summary": None,
        "warnings": list(warnings),
        "error": error,
        "error_code": code,
    }


def _cell_json(cell: Cell) -> dict:
    return {
        "row": cell.row,
        "col": cell.col,
        "value": cell.value,
        "text": cell.text,
        "confidence": round(cell.confidence, 4),
        "page": cell.page,
        "bbox": [round(v, 2) for v in cell.bbox] if cell.bbox else None,
        "flags": cell.flags,
    }


def _check_json(check: Check) -> dict:
    return {
        "rule": check.rule,
        "where": check.where,
        "ok": check.ok,
        "expected": check.expected,
        "found": check.found,
        "cause": check.cause,
        "message": check.message,
        "cells": [list(ref) for ref in check.cells],
    }
