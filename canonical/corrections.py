"""Identities as evidence against misreadings (scans).

When an identity fails, the unsure cells in it are reconsidered: their second readings, and
the value the failed identity implies. A change is accepted only if afterwards no identity
touching the cell fails and no new failure appears; a value the identities alone imply must be
confirmed by two identities. High-confidence cells are never moved, so a source error (all its
cells read surely, like seed 002's) stays a source error. Every change is recorded with the
original reading.

The other way round, an identity that holds vouches for the one unsure cell in it when all its
other cells are sure: a misreading would have to cancel out exactly (`confirm`).
"""

from __future__ import annotations

from collections.abc import Iterator

from model.report import Cell, CellRef, Check, Correction, Flag, Value

from .checks import identities, identity_failures, implied_value
from .document import CanonicalDocument
from .values import reading_numbers

MOVABLE_BELOW = 0.99  # cells read at least this surely are never changed
CONFIRMED_BY_READING = 0.97  # confidence of a second reading the identities confirm
CONFIRMED_BY_IDENTITIES = 0.92  # confidence of a value only the identities give
ONLY_FORMAT_FIXED = 0.85  # a second reading no sum confirms stays below the review line
SURE_NEIGHBOUR = 0.9
MAX_ROUNDS = 12


def correct(doc: CanonicalDocument) -> list[Correction]:
    corrections = _second_readings_together(doc)
    for _ in range(MAX_ROUNDS):
        failures = identity_failures(doc)
        if not failures:
            break
        found = _best_change(doc, failures)
        if found is None:
            break
        ref, value, evidence, sums_fixed = found
        read = dict(doc.cell(ref).alternatives).get(value, doc.cell(ref).confidence)
        corrections.append(_change(doc, ref, value, evidence, sums_fixed, read))
    return corrections


def _second_readings_together(doc: CanonicalDocument) -> list[Correction]:
    """Cells read short (see _read_short) whose second reading is a number, all tried at once.
    A broken fax prints "0" as "()" in several cells of one row: one at a time, each change
    leaves the row's sum failing on the others, so none was accepted. Where a sum then fails,
    its cells' other numbers (_numbers_read) are tried, a cell at a time, while fewer identities
    fail: a 150 dpi "1" read "I" twice, in a row and its total, was read again as 1 in one and 8
    in the other; a "1" read as nothing (a blank) beside a total read "I" was read again as
    ".1."; an "11" read "1" (a glyph left unread) beside its total read as nothing was read
    again "11" in both. What still fails is taken back. A number is kept when afterwards every
    identity it is in holds; it is confirmed (as in correct) if a sum failed before."""
    before = identity_failures(doc)
    refs = list(dict.fromkeys(ref for f in before for ref in f.cells))
    options = {
        ref: numbers
        for ref in refs
        if _read_short(doc.cell(ref)) and (numbers := _numbers_read(doc, ref))
    }
    if not options:
        return []
    as_read = {ref: doc.cell(ref).value for ref in options}
    read = {ref: numbers[0] for ref, numbers in options.items()}
    for ref, (value, _, _) in read.items():
        doc.cell(ref).value = value
    kept = set(read)

    def failures() -> list[Check]:
        return [f for f in identity_failures(doc) if kept.intersection(f.cells)]

    while failing := failures():
        cells = {ref for f in failing for ref in f.cells}
        failed = kept & cells
        for ref in cells - set(options):  # now checked: a blank read again as a number, say
            if _read_short(doc.cell(ref)) and (numbers := _numbers_read(doc, ref)):
                options[ref], as_read[ref] = numbers, doc.cell(ref).value
        for ref, option in ((r, o) for r in sorted(cells & set(options)) for o in options[r]):
            if option[0] == doc.cell(ref).value:
                continue
            previous, doc.cell(ref).value = doc.cell(ref).value, option[0]
            was_kept = ref in kept
            kept.add(ref)
            if len(failures()) < len(failing):
                read[ref] = option
                break
            doc.cell(ref).value = previous
            if not was_kept:
                kept.discard(ref)
        else:  # no other number helps: taking one back can break what another was checked by
            kept -= failed
            for ref in failed:
                doc.cell(ref).value = as_read[ref]
    holding = {(i.rule, i.where) for i in identities(doc) if i.ok}
    sums_fixed = {
        ref for f in before if f.signs and (f.rule, f.where) in holding for ref in f.cells
    }
    for ref in read:
        doc.cell(ref).value = as_read[ref]  # for the record of each change
    return [  # a 0 for a blank moves no sum (a blank counts 0): no sum confirms it
        _change(doc, ref, value, evidence, ref in sums_fixed and value != 0, score)
        for ref, (value, evidence, score) in read.items()
        if ref in kept
    ]


def _change(
    doc: CanonicalDocument, ref: CellRef, value: int, evidence: str, sums_fixed: bool, read: float
) -> Correction:
    """Set a cell to `value`, and record what was read. Its confidence: confirmed when a sum
    that failed now holds; else only "is a number" now holds (a blank counts as 0 in a sum), and
    the reading (its score `read`) is all there is, below the review line."""
    cell = doc.cell(ref)
    correction = Correction(
        table=ref[0],
        row=ref[1],
        col=ref[2],
        read_text=cell.text,
        read_value=cell.value,
        value=value,
        evidence=evidence,
    )
    if not sums_fixed:
        cell.confidence = min(read, ONLY_FORMAT_FIXED)
    elif evidence == "second_reading":
        cell.confidence = CONFIRMED_BY_READING
    else:
        cell.confidence = CONFIRMED_BY_IDENTITIES
    cell.value = value
    cell.flags = [f for f in cell.flags if f != Flag.BLANK]  # a "1" read as nothing, say
    cell.flag(Flag.CORRECTED)
    return correction


def _read_short(cell: Cell) -> bool:
    """Read as no number, or as a number with a glyph left unread (Flag.UNREAD_GLYPH)."""
    return cell.value is None or Flag.UNREAD_GLYPH in cell.flags


def _numbers_read(doc: CanonicalDocument, ref: CellRef) -> list[tuple[int, str, float]]:
    """The other numbers a cell read short may be, the likeliest first: its second readings',
    then (a count read as no number) the digits of its reading with look-alike letters read as
    digits ("I" for a serif "1")."""
    cell = doc.cell(ref)
    found = [
        (v, "second_reading", score)
        for v, score in cell.alternatives
        if isinstance(v, int) and v != cell.value
    ]
    if (
        cell.value is None
        and doc.kind(ref) == "count"
        and len(numbers := reading_numbers(cell.text)) == 1
    ):
        found.append((numbers[0], "digits_of_reading", cell.confidence))
    return found


def confirm(doc: CanonicalDocument) -> None:
    """Raise to CONFIRMED_BY_IDENTITIES the unsure numbers that a holding identity pins down
    (see _pins). Unsure means unsure as read: a confirmed cell does not vouch for another one."""
    cell = doc.cell
    held = [i for i in identities(doc) if i.ok]
    unsure = {ref for i in held for ref in i.cells if cell(ref).confidence < SURE_NEIGHBOUR}
    for identity in held:
        pinned = [ref for ref in identity.cells if ref in unsure]
        if _pins(doc, identity, pinned):
            for ref in pinned:
                cell(ref).confidence = max(cell(ref).confidence, CONFIRMED_BY_IDENTITIES)
                cell(ref).flag(Flag.CONFIRMED_BY_IDENTITIES)


def _pins(doc: CanonicalDocument, identity: Check, unsure: list[CellRef]) -> bool:
    """Does a holding identity whose other cells are sure pin its `unsure` cells' values? Its
    one unsure cell, yes. Several read 0 on the same side of it (a fax's zeros, "()" read
    as 0), too: their sum is pinned to 0, and a count is never negative, so each is 0."""
    if not unsure or not all(isinstance(doc.cell(ref).value, int) for ref in unsure):
        return False
    if len(unsure) == 1:
        return True
    return len({identity.signs[ref] for ref in unsure}) == 1 and all(
        doc.cell(ref).value == 0 and doc.kind(ref) == "count" for ref in unsure
    )


def _best_change(
    doc: CanonicalDocument, failures: list[Check]
) -> tuple[CellRef, int, str, bool] | None:
    before = {(f.rule, f.where) for f in failures}
    options = []
    for ref, cell in _unsure_cells(doc, failures):
        kind = doc.kind(ref)
        for value, evidence in _candidates(ref, cell, failures, kind):
            after = _failures_with(doc, ref, value)
            touching = [f for f in after if ref in f.cells]
            new = {(f.rule, f.where) for f in after} - before
            if touching or new:
                continue
            fixed = [
                f for f in failures if (f.rule, f.where) not in {(a.rule, a.where) for a in after}
            ]
            sums_fixed = [f for f in fixed if f.signs]
            if evidence == "identities" and not _determined(doc, ref, sums_fixed):
                continue
            options.append(
                (
                    evidence == "second_reading",
                    len(fixed),
                    -cell.confidence,
                    ref,
                    value,
                    evidence,
                    bool(sums_fixed),
                )
            )
    if not options:
        return None
    best = max(options, key=lambda o: o[:3])
    return best[3:]


def _determined(doc: CanonicalDocument, ref: CellRef, sums_fixed: list[Check]) -> bool:
    """A value the identities alone give must be fixed by two of them, each otherwise made of
    sure cells: one identity can always be made to hold, and unsure neighbours could be the
    misreading instead."""
    if len(sums_fixed) < 2:
        return False
    others = {r for f in sums_fixed for r in f.cells if r != ref}
    return all(doc.cell(r).confidence >= SURE_NEIGHBOUR for r in others)


def _unsure_cells(doc: CanonicalDocument, failures: list[Check]) -> Iterator[tuple[CellRef, Cell]]:
    refs = dict.fromkeys(ref for f in failures for ref in f.cells)
    for ref in refs:
        cell = doc.cell(ref)
        if cell.confidence < MOVABLE_BELOW and isinstance(cell.value, int | None):
            yield ref, cell


def _candidates(
    ref: CellRef, cell: Cell, failures: list[Check], kind: str
) -> Iterator[tuple[int, str]]:
    seen = set()
    for value, _ in cell.alternatives:
        if isinstance(value, int) and value not in seen:
            seen.add(value)
            yield value, "second_reading"
    if cell.value is None and kind == "count":
        for number in reading_numbers(cell.text):  # "0." with a speck: the digits alone
            if number not in seen:
                seen.add(number)
                yield number, "digits_of_reading"
    current = cell.value if isinstance(cell.value, int) else 0
    for f in failures:
        implied = implied_value(f, ref, current)
        if implied is not None and implied >= 0 and implied not in seen:
            seen.add(implied)
            yield implied, "identities"


def _failures_with(doc: CanonicalDocument, ref: CellRef, value: Value) -> list[Check]:
    cell = doc.cell(ref)
    saved = cell.value
    cell.value = value
    try:
        return identity_failures(doc)
    finally:
        cell.value = saved
