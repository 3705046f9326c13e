"""Canonical tables: every cell of the three tables by (row id, column id)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .schema import APPLICATIONS, OTHER_SINGLE_ROW, TABLES, Table, table_rows

MISSING = "missing"
LOW_CONFIDENCE = "low_confidence"
IN_FAILED_CHECK = "in_failed_check"


@dataclass
class Cell:
    row: str
    col: str
    value: int | str | None
    text: str
    confidence: float
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    flags: list[str] = field(default_factory=list)
    alternatives: list[tuple[int | str, float]] = field(default_factory=list)  # other readings

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)


@dataclass
class CanonicalTable:
    schema: Table
    cells: dict[tuple[str, str], Cell]
    other_layout: str = "split"  # applications only: "split" (three （六） rows) or "single"

    @property
    def id(self) -> str:
        return self.schema.id

    def value(self, row: str, col: str) -> int | str | None:
        return self.cells[(row, col)].value

    def ordered_cells(self) -> list[Cell]:
        return [self.cells[(r.id, c)]
                for r in table_rows(self.schema, self.other_layout)
                for c in self.schema.columns_of(r)]


@dataclass
class CanonicalDocument:
    tables: dict[str, CanonicalTable]  # only the tables found
    warnings: list[str] = field(default_factory=list)

    def table(self, table_id: str) -> CanonicalTable | None:
        return self.tables.get(table_id)

    def all_cells(self) -> list[tuple[str, Cell]]:
        return [(t.id, c) for t in self.tables.values() for c in t.ordered_cells()]


def empty_table(schema: Table, other_layout: str = "split") -> CanonicalTable:
    cells = {(r.id, c): Cell(r.id, c, None, "", 0.0, flags=[MISSING])
             for r in table_rows(schema, other_layout) for c in schema.columns_of(r)}
    return CanonicalTable(schema, cells, other_layout)


def layout_of(matched_rows: set[str]) -> str:
    return "single" if OTHER_SINGLE_ROW in matched_rows else "split"


__all__ = ["Cell", "CanonicalTable", "CanonicalDocument", "empty_table", "layout_of",
           "TABLES", "APPLICATIONS"]
