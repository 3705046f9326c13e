"""Identities as evidence against misreadings (scans).

When an identity fails, the unsure cells in it are reconsidered: their second readings, and
the value the failed identity implies. A change is accepted only if afterwards no identity
touching the cell fails and no new failure appears; a value the identities alone imply must be
confirmed by two identities. High-confidence cells are never moved, so a source error (all its
cells read surely, like seed 002's) stays a source error. Every change is recorded with the
original reading.
"""
from __future__ import annotations

from dataclasses import dataclass

from .checks import Check, identity_failures
from .model import CanonicalDocument, Cell

MOVABLE_BELOW = 0.99      # cells read at least this surely are never changed
CONFIRMED_BY_READING = 0.97  # confidence of a second reading the identities confirm
CONFIRMED_BY_IDENTITIES = 0.92  # confidence of a value only the identities give
MAX_ROUNDS = 12
CORRECTED = "corrected"


@dataclass
class Correction:
    table: str
    row: str
    col: str
    read_text: str
    read_value: int | str | None
    value: int | str
    evidence: str  # "second_reading" or "identities"

    def as_json(self) -> dict:
        return {"table": self.table, "row": self.row, "col": self.col,
                "read_text": self.read_text, "read_value": self.read_value,
                "value": self.value, "evidence": self.evidence}


def correct(doc: CanonicalDocument) -> list[Correction]:
    corrections: list[Correction] = []
    for _ in range(MAX_ROUNDS):
        failures = identity_failures(doc)
        if not failures:
            break
        found = _best_change(doc, failures)
        if found is None:
            break
        ref, value, evidence = found
        cell = doc.tables[ref[0]].cells[ref[1:]]
        corrections.append(Correction(*ref, cell.text, cell.value, value, evidence))
        cell.value = value
        cell.confidence = CONFIRMED_BY_READING if evidence == "second_reading" \
            else CONFIRMED_BY_IDENTITIES
        cell.flag(CORRECTED)
    return corrections


def _best_change(doc: CanonicalDocument, failures: list[Check]):
    before = {(f.rule, f.where) for f in failures}
    options = []
    for ref, cell in _unsure_cells(doc, failures):
        for value, evidence in _candidates(ref, cell, failures):
            after = _failures_with(doc, ref, value)
            touching = [f for f in after if ref in f.cells]
            new = {(f.rule, f.where) for f in after} - before
            if touching or new:
                continue
            fixed = len(before) - len(after)
            if evidence == "identities" and fixed < 2:
                continue  # one identity alone can always be made to hold
            options.append((evidence == "second_reading", fixed, cell.confidence * -1, ref, value,
                            evidence))
    if not options:
        return None
    best = max(options, key=lambda o: o[:3])
    return best[3], best[4], best[5]


def _unsure_cells(doc: CanonicalDocument, failures: list[Check]):
    refs = dict.fromkeys(ref for f in failures for ref in f.cells)
    for ref in refs:
        cell = doc.tables[ref[0]].cells[ref[1:]]
        if cell.confidence < MOVABLE_BELOW and isinstance(cell.value, int | None):
            yield ref, cell


def _candidates(ref, cell: Cell, failures: list[Check]):
    seen = set()
    for value, _ in cell.alternatives:
        if isinstance(value, int) and value not in seen:
            seen.add(value)
            yield value, "second_reading"
    current = cell.value if isinstance(cell.value, int) else 0
    for f in failures:
        if ref in f.signs and isinstance(f.expected, int) and isinstance(f.found, int):
            implied = current - f.signs[ref] * (f.expected - f.found)
            if implied >= 0 and implied not in seen:
                seen.add(implied)
                yield implied, "identities"


def _failures_with(doc: CanonicalDocument, ref, value) -> list[Check]:
    cell = doc.tables[ref[0]].cells[ref[1:]]
    saved = cell.value
    cell.value = value
    try:
        return identity_failures(doc)
    finally:
        cell.value = saved
