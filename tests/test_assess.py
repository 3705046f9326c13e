"""A failed identity's cause (canonical/assess.py): the source's error, or maybe a misreading.

The seeds' text route gives every cell at confidence 1.0; each test lowers cells the way OCR
would (a look-alike digit read at 0.967 is below EXACT, above the review line)."""

from helpers import SAMPLES, SEED_002

from canonical.assess import _cause
from canonical.checks import identity_failures, implied_value
from canonical.mapping import rebuild
from extractors import extract
from model.report import Cause

LOOKALIKE_READ = 0.967


def failures(seed):
    doc = rebuild(extract(SAMPLES / "text" / f"{seed}.txt", "text"))
    return doc, {check.where: check for check in identity_failures(doc)}


def test_a_sum_no_misreading_of_its_one_unsure_cell_could_close_is_the_sources_error():
    doc, failed = failures(SEED_002)  # its balance fails in print: 31 + 9 != 44 + 10
    balance = failed["col=commercial"]
    cells = {ref: doc.cell(ref) for ref in balance.cells}
    carried_over = ("applications", "carried_over", "commercial")
    cells[carried_over].confidence = LOOKALIKE_READ
    assert implied_value(balance, carried_over, 9) == 23  # "9" misread from "23": no
    assert _cause(balance, cells) == Cause.SOURCE
    # Two unsure cells could share the difference between them.
    cells[("applications", "carried_forward", "commercial")].confidence = LOOKALIKE_READ
    assert _cause(balance, cells) == Cause.READING


def test_a_sum_its_unsure_cell_one_digit_off_may_be_a_misreading():
    doc, _ = failures("000_de4a6e6b343917dd")
    granted = doc.tables["applications"].cell("granted", "natural_person")  # 430 in print
    granted.value, granted.confidence = 480, LOOKALIKE_READ
    checks = identity_failures(doc)
    assert len(checks) == 2
    for check in checks:
        assert _cause(check, {ref: doc.cell(ref) for ref in check.cells}) == Cause.READING


def test_a_sum_its_unsure_cell_would_have_to_be_negative_is_the_sources_error():
    doc, failed = failures(SEED_002)
    balance = failed["col=natural_person"]  # 706 + 13 != 672 + 33
    cells = {ref: doc.cell(ref) for ref in balance.cells}
    carried_over = ("applications", "carried_over", "natural_person")
    cells[carried_over].confidence = LOOKALIKE_READ
    assert implied_value(balance, carried_over, 13) == -1
    assert _cause(balance, cells) == Cause.SOURCE
