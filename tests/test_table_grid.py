"""The ruled grid of a scanned page when a page break has changed its rules: a continuation
printed without its top border, a top rule printed twice, a photographed page."""

import cv2
import numpy as np
import pytest
from helpers import FIXTURES
from ruled_page import AS_PRINTED, photographed, rendered, shapes

from ocr.preprocess import binarize_lines, flatten, keystoned_table, page_corners, rotate
from ocr.reader import _bilevel
from ocr.seal import seal_rings
from ocr.table_grid import _apart, _rectangles, find_tables, line_masks, long_runs


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return rendered()


def rings_on(binary: np.ndarray) -> list:
    row_runs, column_runs = long_runs(binary)
    return seal_rings(binary, row_runs | column_runs)


def first_rule(gray: np.ndarray) -> int:
    horizontal, _ = line_masks(binarize_lines(gray))
    return int(np.flatnonzero((horizontal > 0).sum(axis=1) > 0.3 * gray.shape[1])[0])


def test_the_page_as_printed(page):
    assert shapes(page) == AS_PRINTED


def test_a_continuation_without_its_top_rule_keeps_its_first_row(page):
    top = first_rule(page)
    page = page.copy()
    page[top - 5 : top + 6] = 255
    assert shapes(page) == AS_PRINTED


def test_a_top_rule_printed_twice_is_one_rule(page):
    top = first_rule(page)
    page = page.copy()
    page[top + 7 : top + 10] = np.minimum(page[top + 7 : top + 10], page[top - 1 : top + 2])
    assert shapes(page) == AS_PRINTED


def test_a_photographed_page_is_warped_flat(page):
    """The page on a darker surface, foreshortened by 6° of keystone: flattened, the grid is
    the printed one."""
    photo = photographed(page)
    assert shapes(photo) != AS_PRINTED  # the slanted rules are not read as they are
    flat, rectified = flatten(photo)
    assert rectified
    assert shapes(flat) == AS_PRINTED


def test_a_photographed_page_on_a_desk_as_light_as_its_paper_is_warped_flat_by_its_table(page):
    """The page's outline cannot be told from the desk; table 三's outline, its sides
    converging, squares the whole frame, table 四 below it too."""
    photo = photographed(page, keystone=8.0, surface=int(np.percentile(page, 90)))
    assert page_corners(photo) is None
    assert shapes(photo) != AS_PRINTED
    flat, rectified = flatten(photo)
    assert rectified
    assert shapes(flat) == AS_PRINTED


def test_a_scan_is_not_taken_for_a_photo(page):
    assert flatten(page) == (page, False)
    skewed = rotate(page, 3.0)
    assert keystoned_table(skewed) is None  # its table's sides stay parallel
    assert flatten(skewed) == (skewed, False)


def test_a_border_round_the_page_is_not_a_table(page):
    """A frame drawn round a page (or a photo's page edge left after squaring) holds the
    tables: it is no table, and does not take their rules for its own."""
    framed = page.copy()
    cv2.rectangle(framed, (10, 10), (page.shape[1] - 10, page.shape[0] - 10), 0, 3)
    assert shapes(framed) == AS_PRINTED


def two_cells(rule_dashes: bool, stroke_on_rule: bool, blank: bool = False) -> np.ndarray:
    """Text ink (255) of two cells side by side, 90 px tall, their rule at x = 200 lost: a
    label whose last character ends 8 px before it, a number right of it (`blank`: none)."""
    text = np.zeros((90, 400), np.uint8)
    if not blank:
        text[35:55, 40:192] = 255  # the label's line of text, close to the rule
        text[35:55, 280:320] = 255  # the number
    if rule_dashes:  # a faint rule, gapped by its toner from end to end
        for y in range(0, 90, 12):
            text[y : y + 9, 199:202] = 255
    if stroke_on_rule:  # a merged cell's text running over where a rule would be
        text[35:55, 196:204] = 255
    return text


def test_a_lost_rule_still_dashed_divides_a_label_from_its_number():
    apart = _apart(two_cells(True, False), 200, 0, 90, 0, 400, 11, 20)
    assert apart
    assert not _apart(two_cells(False, False), 200, 0, 90, 0, 400, 11, 20)  # no trace: merged


def test_two_blank_cells_are_two_while_their_lost_rule_shows_a_trace():
    """A row of blank cells (an agency leaves them empty for 0) gives no text either side."""
    assert _apart(two_cells(True, False, blank=True), 200, 0, 90, 0, 400, 11, 20)
    assert not _apart(two_cells(False, False, blank=True), 200, 0, 90, 0, 400, 11, 20)


def test_a_glyph_on_a_lost_rule_is_no_trace_of_it():
    assert not _apart(two_cells(False, True), 200, 0, 90, 0, 400, 11, 20)


def test_a_seal_ring_beside_a_column_rule_is_not_a_rule(page):
    """A round seal (42 mm, printed gray as a gray scan prints red) whose ring runs down just
    left of a column rule: its near-vertical arc is long enough to pass for a rule, and split
    the cells it crosses."""
    table = find_tables(binarize_lines(page)).tables[0]
    columns = sorted({c.box[0] for c in table})
    rows = sorted({c.box[1] for c in table})
    radius = round(21 / 25.4 * 200)
    centre = (columns[4] - 20 + radius, rows[len(rows) // 2])
    sealed = page.copy()
    cv2.circle(sealed, centre, radius, 110, 9)
    cv2.circle(sealed, centre, radius // 3, 110, -1)  # the star
    assert [(round(r.x), round(r.y)) for r in rings_on(binarize_lines(sealed))] == [
        pytest.approx(centre, abs=12)
    ]
    assert shapes(sealed) == AS_PRINTED


def test_a_plain_page_has_no_seal(page):
    assert rings_on(binarize_lines(page)) == []


def test_a_side_border_lost_to_faint_toner_is_put_back(page):
    """Table 四's right border gone (too gapped to be found): it is put back where the row
    rules end, and the row keeps its 15 cells."""
    table = find_tables(binarize_lines(page)).tables[1]
    right = max(c.box[2] for c in table)
    top, bottom = min(c.box[1] for c in table), max(c.box[3] for c in table)
    page = page.copy()
    page[top + 6 : bottom - 5, right - 6 : right + 7] = 255
    assert shapes(page) == AS_PRINTED


def as_fax(page: np.ndarray) -> np.ndarray:
    fax = np.where(page < 160, 0, 255).astype(np.uint8)
    assert _bilevel(fax)
    return fax


def opened_away(fax: np.ndarray, rows: set[int], columns: set[int]) -> bool:
    """Are the rules at `rows` and `columns` broken so that opening (long_runs) finds no more
    than a fifth of any of them? Then only the dashes' own handling can."""
    row_runs, column_runs = long_runs(binarize_lines(fax))
    h, w = fax.shape
    return all(row_runs[y - 4 : y + 5].any(axis=0).sum() < 0.2 * w for y in rows) and all(
        column_runs[:, x - 4 : x + 5].any(axis=1).sum() < 0.2 * h for x in columns
    )


def fax_shapes(fax: np.ndarray, dashed: bool) -> list[tuple[int, int]]:
    found = find_tables(binarize_lines(fax), dashed).tables
    return [(max(c.row + c.rowspan for c in t), max(c.col + c.colspan for c in t)) for t in found]


def test_a_fax_column_rule_broken_into_dashes_still_divides(page):
    """A 1-bit fax breaks thin rules into dashes: every column rule here has a 4-pixel gap
    every 12 pixels, so no stretch of it is as long as the opening that finds rules. The page
    is black and white only, so its dashes are closed first."""
    tables = find_tables(binarize_lines(page)).tables
    columns = {x for t in tables for c in t for x in (c.box[0], c.box[2])}
    fax = as_fax(page)
    for x in columns:
        for y in range(0, fax.shape[0], 12):
            fax[y : y + 4, x - 4 : x + 5] = 255
    assert not _bilevel(page)
    assert opened_away(fax, set(), columns)
    assert fax_shapes(fax, dashed=True) == AS_PRINTED


def test_a_fax_row_rule_broken_into_dashes_still_divides(page):
    """The same for every row rule: a 4-pixel gap every 12 pixels along it. The lines of
    characters beside them are not joined into rules."""
    tables = find_tables(binarize_lines(page)).tables
    rows = {y for t in tables for c in t for y in (c.box[1], c.box[3])}
    columns = np.array([x for t in tables for c in t for x in (c.box[0], c.box[2])])
    fax = as_fax(page)
    for y in rows:
        for x in range(0, fax.shape[1], 12):
            if np.abs(columns - x - 2).min() > 8:  # the column rules crossing it stay whole
                fax[y - 4 : y + 5, x : x + 4] = 255
    assert opened_away(fax, rows, set())
    assert fax_shapes(fax, dashed=True) == AS_PRINTED


def test_a_light_fax_column_rule_fallen_apart_into_dots_still_divides(page):
    """A light rule on a fax keeps a dot 2 pixels long every 16: no dash is closed into it.
    Its dots, a pixel out of line now and then, still make a rule."""
    tables = find_tables(binarize_lines(page)).tables
    columns = {x for t in tables for c in t for x in (c.box[0], c.box[2])}
    rows = np.array([y for t in tables for c in t for y in (c.box[1], c.box[3])])
    fax = as_fax(page)
    for x in columns:
        for y in range(fax.shape[0]):
            if np.abs(rows - y).min() > 6 and y % 16 > 1:  # the row rules crossing it stay
                fax[y, x - 4 : x + 5] = 255
        for y in range(0, fax.shape[0], 48):  # a pixel out of line
            fax[y : y + 2, x + 2] = fax[y : y + 2, x - 1]
    assert opened_away(fax, set(), columns)
    assert fax_shapes(fax, dashed=True) == AS_PRINTED


def test_a_fax_seal_with_a_broken_ring_and_a_filled_star(page):
    """On a fax a seal's ring is broken where the red was light, and its star is a solid
    blob whose spine passes for a column rule: the ring is still found, and neither it nor
    the star divides a cell."""
    table = find_tables(binarize_lines(page)).tables[0]
    columns = sorted({c.box[0] for c in table})
    rows = sorted({c.box[1] for c in table})
    radius = round(21 / 25.4 * 200)
    centre = ((columns[5] + columns[6]) // 2, (rows[6] + rows[7]) // 2)
    fax = as_fax(page)
    cv2.circle(fax, centre, radius, 0, 5)
    for degrees in range(0, 360, 30):  # a 6° gap every 30°
        cv2.ellipse(fax, centre, (radius, radius), 0, degrees, degrees + 6, 255, 9)
    star = [
        (
            centre[0] + (1 if k % 2 == 0 else 0.38) * radius / 3 * np.sin(k * np.pi / 5),
            centre[1] - (1 if k % 2 == 0 else 0.38) * radius / 3 * np.cos(k * np.pi / 5),
        )
        for k in range(10)
    ]
    cv2.fillPoly(fax, [np.array(star, np.int32)], 0)
    assert [(round(r.x), round(r.y)) for r in rings_on(binarize_lines(fax))] == [
        pytest.approx(centre, abs=6)
    ]
    assert fax_shapes(fax, dashed=True) == AS_PRINTED


def test_a_merged_cell_is_a_rectangle():
    """A tall group label (column 0, rows 0-3) beside four item labels (column 1), the column
    rule between them lost to faint toner along rows 2 and 3: the items of those rows joined
    the group, an L that held the labels of rows 0 and 1 too. They are cells of their own."""
    cells = [(r, c) for r in range(4) for c in range(3)]
    group = [((r, 0), (r + 1, 0)) for r in range(3)]
    lost = [((2, 0), (2, 1)), ((3, 0), (3, 1))]
    assert sorted(_rectangles(cells, group + lost)) == [
        (0, 0, 3, 0),  # the group label
        *[(r, c, r, c) for r in range(4) for c in (1, 2)],  # items and values, one row each
    ]
    # A merged cell two rows by two columns stays whole, whichever pairs joined it.
    square = [((0, 0), (0, 1)), ((0, 0), (1, 0)), ((1, 0), (1, 1))]
    assert (0, 0, 1, 1) in _rectangles(cells, square)


def test_a_frame_is_not_a_table():
    """A photo's page edge left a rectangle in its corner after flattening, and page 1's title
    above it was not read: one cell is a frame, not a table."""
    page = np.full((1400, 1000), 245, np.uint8)
    cv2.rectangle(page, (600, 10), (990, 130), 30, 3)
    assert find_tables(binarize_lines(page)).tables == []
    cv2.line(page, (795, 10), (795, 130), 30, 3)  # two cells: a table
    assert len(find_tables(binarize_lines(page)).tables) == 1


def test_a_photo_running_out_of_the_picture_is_squared_by_its_table_without_a_top_rule():
    """A photographed page whose top-left and bottom corners lie outside the picture (a fresh
    draw's page 4), holding table 三's continuation, printed without its top rule: the page's
    outline touched the frame, the table's lay inside it and its top side on no ink, and the
    page was read keystoned (rows with a cell too many or too few, 14 cells lost)."""
    photo = cv2.imread(str(FIXTURES / "photo_page_out_of_frame_p4.jpg"), cv2.IMREAD_GRAYSCALE)
    assert page_corners(photo) is None
    corners = keystoned_table(photo)
    assert corners is not None
    # the table's corners (top-left, top-right, bottom-right, bottom-left), as seen on the photo
    want = [(163, 107), (651, 126), (612, 665), (162, 646)]
    assert np.abs(corners - np.array(want)).max() <= 5
