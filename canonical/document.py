"""The canonical tables of one document, under its template: what mapping.py builds and the
checks, the corrections and assess.py work on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from model.report import Cell, CellRef, Table

from .template import TableSpec, Template, ValueKind


@dataclass
class CanonicalDocument:
    template: Template
    tables: dict[str, Table]  # only the tables found, in template order
    warnings: list[str] = field(default_factory=list)
    # Labels or cells the template does not know: never guessed into an id, they make the
    # document needs_review.
    unrecognised: list[str] = field(default_factory=list)

    def table(self, table_id: str) -> Table | None:
        return self.tables.get(table_id)

    def spec(self, table_id: str) -> TableSpec:
        return self.template.table(table_id)

    def cell(self, ref: CellRef) -> Cell:
        return self.tables[ref[0]].cell(ref[1], ref[2])

    def all_cells(self) -> Iterator[tuple[str, Cell]]:
        return ((table_id, c) for table_id, t in self.tables.items() for c in t.cells)

    def kind(self, ref: CellRef) -> ValueKind:
        return self.spec(ref[0]).column(ref[2]).kind
