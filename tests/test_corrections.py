"""Identities as evidence (canonical/corrections.py), on seed tables made to look misread.

A seed's text route gives every cell at confidence 1.0; each test lowers or changes cells the
way OCR would, then checks what the identities may and may not do about it.
"""

import pytest
from helpers import SAMPLES, SEED_002

from canonical.checks import identity_failures
from canonical.corrections import (
    CONFIRMED_BY_IDENTITIES,
    CONFIRMED_BY_READING,
    ONLY_FORMAT_FIXED,
    confirm,
    correct,
)
from canonical.mapping import rebuild
from canonical.values import reading_numbers
from extractors import extract
from model.report import Flag

GRANTED = ("granted", "natural_person")  # 430 in seed 000


@pytest.fixture
def seed000():
    doc = rebuild(extract(SAMPLES / "text" / "000_de4a6e6b343917dd.txt", "text"))
    return doc, doc.tables["applications"]


def misread(table, ref, value, confidence, second=()):
    cell = table.cell(*ref)
    cell.value, cell.text, cell.confidence = value, str(value), confidence
    cell.alternatives = list(second)
    return cell


def test_second_reading_the_identities_confirm_replaces_the_first(seed000):
    doc, apps = seed000
    cell = misread(apps, GRANTED, 480, 0.8, second=[(430, 0.7)])
    (fix,) = correct(doc)
    assert (fix.row, fix.col, fix.read_value, fix.value, fix.evidence) == (
        "granted",
        "natural_person",
        480,
        430,
        "second_reading",
    )
    assert cell.value == 430 and cell.confidence == CONFIRMED_BY_READING
    assert Flag.CORRECTED in cell.flags and identity_failures(doc) == []


def test_value_two_identities_imply_is_taken_when_its_neighbours_are_sure(seed000):
    doc, apps = seed000
    cell = misread(apps, GRANTED, 480, 0.8)
    (fix,) = correct(doc)
    assert (fix.value, fix.evidence) == (430, "identities")
    assert cell.confidence == CONFIRMED_BY_IDENTITIES


def test_no_value_is_implied_when_a_neighbour_is_unsure_too(seed000):
    doc, apps = seed000
    misread(apps, GRANTED, 480, 0.8)
    apps.cell("granted", "total").confidence = 0.8  # could be the misreading instead
    assert correct(doc) == []
    assert apps.cell(*GRANTED).value == 480


def test_sure_cells_are_never_moved_so_a_source_error_stays(tmp_path):
    doc = rebuild(extract(SAMPLES / "text" / f"{SEED_002}.txt", "text"))
    before = [(c.row, c.col, c.value) for _, c in doc.all_cells()]
    assert correct(doc) == []
    assert [(c.row, c.col, c.value) for _, c in doc.all_cells()] == before
    assert len(identity_failures(doc)) == 2


def test_holding_identity_vouches_for_its_one_unsure_cell(seed000):
    doc, apps = seed000
    cell = misread(apps, GRANTED, 430, 0.85)
    confirm(doc)
    assert cell.confidence == CONFIRMED_BY_IDENTITIES and Flag.CONFIRMED_BY_IDENTITIES in cell.flags


def test_two_unsure_cells_in_every_identity_vouch_for_neither(seed000):
    doc, apps = seed000
    # granted/natural_person is in its row total and its column's outcome sum; make both hold
    # a second unsure cell, so no identity has it alone.
    cells = [
        misread(apps, ref, apps.cell(*ref).value, 0.85)
        for ref in (GRANTED, ("granted", "total"), ("total_processed", "natural_person"))
    ]
    confirm(doc)
    assert cells[0].confidence == 0.85 and Flag.CONFIRMED_BY_IDENTITIES not in cells[0].flags


def test_failed_identity_vouches_for_nothing(seed000):
    doc, apps = seed000
    wrong = misread(apps, GRANTED, 480, 0.85)
    confirm(doc)
    assert wrong.confidence == 0.85 and Flag.CONFIRMED_BY_IDENTITIES not in wrong.flags


def test_speck_beside_a_digit_is_dropped_only_when_the_identities_pin_the_value(seed000):
    doc, apps = seed000
    ref = ("denied.state_secret", "commercial")  # 0 in seed 000
    cell = apps.cell(*ref)
    cell.value, cell.text, cell.confidence, cell.flags = None, "0.", 0.45, ["not_a_number"]
    (fix,) = correct(doc)
    assert (fix.read_text, fix.value, fix.evidence) == ("0.", 0, "digits_of_reading")
    assert cell.confidence <= 0.85  # the format alone proves nothing
    confirm(doc)
    assert cell.value == 0 and cell.confidence == CONFIRMED_BY_IDENTITIES


def unread(table, ref, text, second):
    """A cell read as no number (flagged so), with a second reading."""
    cell = misread(table, ref, None, 0.9, second=[second])
    cell.text = text
    cell.flag(Flag.NOT_A_NUMBER)
    return cell


def test_second_readings_of_one_row_are_taken_together(seed000):
    """16 and 2 of one row read as no number, each read again right: one at a time, each left
    the row's sum failing on the other; together, every identity holds."""
    doc, apps = seed000
    commercial = unread(apps, ("granted", "commercial"), "l(", (16, 0.96))
    other = unread(apps, ("granted", "other_org"), "Z", (2, 0.98))
    fixes = correct(doc)
    assert sorted((f.col, f.read_text, f.value, f.evidence) for f in fixes) == [
        ("commercial", "l(", 16, "second_reading"),
        ("other_org", "Z", 2, "second_reading"),
    ]
    assert commercial.confidence == other.confidence == CONFIRMED_BY_READING
    assert identity_failures(doc) == []


def test_zeros_read_as_brackets_are_numbers_again_but_stay_unsure(seed000):
    """A fax prints "0" as "()". A blank counts 0 in a sum, so no sum confirms the 0 read the
    second time: the cell is a number again, below the review line."""
    doc, apps = seed000
    cell = unread(apps, ("granted", "research"), "()", (0, 0.99))
    (fix,) = correct(doc)
    assert (fix.value, fix.read_text) == (0, "()")
    assert cell.value == 0 and cell.confidence == ONLY_FORMAT_FIXED
    assert identity_failures(doc) == []


def test_a_zero_read_as_brackets_twice_is_a_zero_of_the_reading(seed000):
    """A fax's "0" that lost its top and bottom reads "()" the second time too. In a row the
    identities are mending, it is taken as the 0 it looks like, and stays below the review line."""
    doc, apps = seed000
    unread(apps, ("granted", "commercial"), "l(", (16, 0.96))
    zero = misread(apps, ("granted", "research"), None, 0.9)
    zero.text = "()"
    zero.flag(Flag.NOT_A_NUMBER)
    fixes = correct(doc)
    assert ("research", "()", 0, "digits_of_reading") in [
        (f.col, f.read_text, f.value, f.evidence) for f in fixes
    ]
    assert zero.value == 0 and zero.confidence <= ONLY_FORMAT_FIXED
    assert identity_failures(doc) == []


def test_second_readings_that_break_an_identity_together_are_not_taken(seed000):
    doc, apps = seed000
    unread(apps, ("granted", "commercial"), "l(", (16, 0.96))
    other = unread(apps, ("granted", "other_org"), "Z", (3, 0.98))  # printed 2
    correct(doc)
    assert other.value != 3


def test_serif_one_read_as_a_letter_is_taken_when_the_sums_say_so(seed000):
    doc, apps = seed000
    cell = misread(apps, ("partially_granted", "commercial"), None, 0.6)  # printed 1
    cell.text = "I"
    cell.flag(Flag.NOT_A_NUMBER)
    (fix,) = correct(doc)
    assert (fix.read_text, fix.value, fix.evidence) == ("I", 1, "digits_of_reading")
    assert cell.confidence == CONFIRMED_BY_IDENTITIES
    assert identity_failures(doc) == []


def test_a_b_is_the_3_or_the_8_the_sums_say(seed000):
    """The recogniser reads a 3 as "B" at 0.98, and an 8 too: both are tried, one sum holds."""
    doc, apps = seed000
    cell = misread(apps, ("other.no_correction", "commercial"), None, 0.98)  # printed 3
    cell.text = "B"
    cell.flag(Flag.NOT_A_NUMBER)
    assert reading_numbers("B") == [3, 8] and reading_numbers("B26") == [326, 826]
    assert reading_numbers("I2") == [12] and reading_numbers("5 9 15") == []
    assert reading_numbers("io") == [10] and reading_numbers("+") == [4]
    assert reading_numbers("D") == [0]
    (fix,) = correct(doc)
    assert (fix.read_text, fix.value, fix.evidence) == ("B", 3, "digits_of_reading")
    assert identity_failures(doc) == []


def test_holding_identity_vouches_for_unsure_zeros_on_one_side_of_it(seed000):
    """A fax's zeros, unsure, two by two (none alone in its row or column): each row's sum
    holds with its total and other cells sure, so its two sum to 0, and a count is never
    negative: each is 0."""
    doc, apps = seed000
    rows = ("denied.state_secret", "denied.prohibited_by_law")  # 0 in these columns, seed 000
    zeros = [
        misread(apps, (row, col), 0, 0.85) for row in rows for col in ("commercial", "research")
    ]
    confirm(doc)
    assert [c.confidence for c in zeros] == [CONFIRMED_BY_IDENTITIES] * 4


def test_an_unsure_zero_vouches_for_no_unsure_number_beside_it(seed000):
    """430 and a 0 unsure in one row, 430's column total unsure too: the row's sum holds as
    well with 429 and 1, so it pins neither; the 0's column pins the 0."""
    doc, apps = seed000
    number = misread(apps, GRANTED, 430, 0.85)
    total = ("total_processed", "natural_person")
    misread(apps, total, apps.cell(*total).value, 0.85)
    zero = misread(apps, ("granted", "nonprofit"), 0, 0.85)
    confirm(doc)
    assert number.confidence == 0.85
    assert zero.confidence == CONFIRMED_BY_IDENTITIES  # alone in its column


def test_a_sum_failing_on_a_second_reading_tries_the_cells_other_numbers(seed000):
    """A 150 dpi "1" read "I" in a row and in its total; read again, 1 in one and 8 in the
    other. Together they break the row's sum, so the look-alike digit (1) is tried for each."""
    doc, apps = seed000
    row = "denied.prohibited_by_law"  # 1 in natural_person and in total, 0 elsewhere
    first = misread(apps, (row, "natural_person"), None, 0.53, second=[(1, 0.99)])
    total = misread(apps, (row, "total"), None, 0.35, second=[(8, 0.48)])
    first.text = total.text = "I"
    fixes = {(f.col, f.value, f.evidence) for f in correct(doc)}
    assert fixes == {("natural_person", 1, "second_reading"), ("total", 1, "digits_of_reading")}
    assert identity_failures(doc) == []


def test_a_blank_read_again_as_a_number_is_tried_where_its_sum_fails(seed000):
    """A blurred "1" read as nothing (a blank, which counts 0) and read again as ".1."; its
    row's total read "I". The blank is in no failing sum until the total is read as 1: then
    its second reading is tried too, and both hold."""
    doc, apps = seed000
    row = "denied.prohibited_by_law"  # 1 in natural_person and in total, 0 elsewhere
    blank = misread(apps, (row, "natural_person"), None, 0.2, second=[(1, 0.64)])
    blank.text, blank.flags = "", [Flag.INK_WITHOUT_TEXT, Flag.BLANK]
    total = misread(apps, (row, "total"), None, 0.43)
    total.text = "I"
    fixes = {(f.col, f.value, f.evidence) for f in correct(doc)}
    assert fixes == {("natural_person", 1, "second_reading"), ("total", 1, "digits_of_reading")}
    assert Flag.BLANK not in blank.flags and identity_failures(doc) == []


def test_a_number_read_short_and_its_blank_total_are_read_again_together(seed000):
    """A 150 dpi "28" read "2" (a glyph left unread) and read again "28"; its row's total,
    28, read as nothing and read again "28". One at a time, each leaves the row's sum failing
    on the other; together, every identity holds."""
    doc, apps = seed000
    row = "denied.process_info"  # 28 in natural_person and in total, 0 elsewhere
    short = misread(apps, (row, "natural_person"), 2, 0.3, second=[(28, 0.88)])
    short.flags = [Flag.UNREAD_GLYPH]
    blank = misread(apps, (row, "total"), None, 0.2, second=[(28, 0.87)])
    blank.text, blank.flags = "", [Flag.INK_WITHOUT_TEXT, Flag.BLANK]
    fixes = {(f.col, f.read_value, f.value) for f in correct(doc)}
    assert fixes == {("natural_person", 2, 28), ("total", None, 28)}
    assert short.confidence == blank.confidence == CONFIRMED_BY_READING
    assert identity_failures(doc) == []


def test_a_faxs_4_read_as_a_plus_in_a_row_and_its_total_is_4_where_the_sums_say(seed000):
    """A fax broke off the slant of a "4", read "+", in a row and in its total: both are read
    as 4 together, and every identity holds."""
    doc, apps = seed000
    row = "unable.needs_creation"  # 4 in natural_person and in total, 0 elsewhere
    for col in ("natural_person", "total"):
        misread(apps, (row, col), None, 0.76).text = "+"
    fixes = {(f.col, f.read_text, f.value, f.evidence) for f in correct(doc)}
    assert fixes == {
        ("natural_person", "+", 4, "digits_of_reading"),
        ("total", "+", 4, "digits_of_reading"),
    }
    assert identity_failures(doc) == []
