"""Preparing a scanned page, fast: its image taken out of the PDF, its skew found (no OCR)."""

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from helpers import FIXTURES
from PIL import ExifTags, Image

from canonical.metadata import agency_and_year, agency_warnings
from extractors.detect import detect_format
from extractors.image import load_pages
from extractors.pdf import _scan_image
from model.grid import GridCell
from model.report import Flag
from ocr.engine import Reading
from ocr.levels import percentiles
from ocr.preprocess import evenly_lit, rotate, skew_angle
from ocr.reader import (
    _adds_only_characters,
    _dropped_glyph,
    _glyph_ink,
    _glyphs,
    _holds_ink,
    _inner,
    _line_bands,
    _lost_row_rules,
    _page_line_bands,
    _row_spans,
    _take_a_minus_read_again,
    _text_lines,
    fullest,
    leads_with_dash,
    reads_title,
)
from ocr.table_grid import CellBox, may_hold_tables
from review.server import _image_page, image_frames


def ruled_page() -> np.ndarray:
    """An A4 page at 100 dpi: a ruled table and lines of 'text' (dashes), upright."""
    page = np.full((1169, 827), 245, np.uint8)
    for y in range(150, 1000, 40):
        cv2.line(page, (80, y), (750, y), 20, 2)
        for x in range(100, 700, 30):
            cv2.rectangle(page, (x, y + 12), (x + 18, y + 26), 30, -1)
    for x in (80, 300, 750):
        cv2.line(page, (x, 150), (x, 990), 20, 2)
    return page


@pytest.mark.parametrize("skew", [-2.3, -0.4, 0.0, 1.15, 3.0])
def test_skew_is_found_to_a_tenth_of_a_degree(skew):
    turned = rotate(ruled_page(), skew)
    assert skew_angle(turned) == pytest.approx(-skew, abs=0.1)


def test_a_page_that_is_one_jpeg_is_decoded_not_rendered(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (2339, 1654, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "scan.pdf", resolution=200)  # one JPEG a page
    document = pdfium.PdfDocument(str(tmp_path / "scan.pdf"))
    page = document[0]
    dpi = 1654 / (page.get_width() / 72)
    image = _scan_image(page, dpi)
    rendered = page.render(scale=dpi / 72).to_numpy()[..., 2]
    assert image is not None and np.array_equal(image, rendered)
    assert _scan_image(page, dpi * 1.5) is None  # read enlarged: rendered
    document.close()


def test_a_shadow_over_the_paper_is_lifted_and_the_text_stays_dark():
    page = ruled_page().astype(np.float32)
    shade = np.ones_like(page)
    shade[:, :400] = np.linspace(0.45, 1.0, 400)  # a shadow darkening the left half to 45 %
    shaded = (page * shade).astype(np.uint8)
    lit = evenly_lit(shaded)
    assert shaded[page > 200].min() < 120 and lit[page > 200].min() > 200  # the paper
    assert lit[page < 60].mean() < 80  # text and rules, in the shadow and out of it


def test_a_title_line_keeps_its_fullest_reading():
    """Read at three widths, 人 of 人民政府 was dropped at two (a faint scan of a tune draw)."""
    dropped = Reading("北京市丰台区民政府花乡街道办事处", 0.999)
    whole = Reading("北京市丰台区人民政府花乡街道办事处", 0.971)
    assert fullest([dropped, whole, dropped]) == whole
    # Readings that differ otherwise than by dropped characters: the usual width's stands.
    other = Reading("北京市丰台区人民政府花多街道办事处", 0.98)
    assert fullest([dropped, other]) == dropped
    # A mark added at one width does not make a reading fuller.
    title = Reading("2019年政府信息公开工作年度报告", 0.99)
    assert fullest([Reading("201.9年政府信息公开工作年度报告", 0.97), title]) == title


def test_a_title_line_read_in_halves_counts_only_where_it_adds_chinese_characters():
    """Halves of a line, read apart, may restore characters the whole line lost (方 and 工 of a
    photo's title); a cut through a character leaves a stroke read "l", which does not count."""
    usual = Reading("四台区2023年政府信息公开作年度报告", 0.999)
    assert _adds_only_characters(Reading("四方台区2023年政府信息公开工作年度报告", 0.97), usual)
    agency = Reading("北京市石景山区人民政府", 0.998)
    assert not _adds_only_characters(Reading("北京市石景l山区人民政府", 0.99), agency)
    assert not _adds_only_characters(Reading("北京市石景山区人民政", 0.99), agency)
    assert not _adds_only_characters(
        Reading("北京市石景山区人民政府办", 0.99), Reading("北京市丰台区", 1)
    )


def test_a_light_zero_in_a_row_wide_cell_is_not_blank():
    """Table 二's value cell runs a whole row wide: a light, blurred "0" at 150 dpi (no pixel
    darker than 150 on paper at 210) is a small share of it, and was taken for paper."""
    cell = np.full((90, 1400), 210, np.uint8)
    cv2.ellipse(cell, (700, 45), (10, 16), 0, 0, 360, 150, 3)
    cell = cv2.GaussianBlur(cell, (3, 3), 0)
    assert _holds_ink(cell, _glyph_ink(cell))
    narrow = np.ascontiguousarray(cell[:, 650:750])  # in a number cell it always was ink
    assert _holds_ink(narrow, _glyph_ink(narrow))


def test_the_title_lines_are_read_until_a_title_is_found():
    assert reads_title(1, [])
    assert reads_title(2, ["封面", "某某区人民政府"])  # a cover: the title is on page 2
    assert not reads_title(2, ["某某区人民政府", "2023年政府信息公开工作年度报告"])
    assert not reads_title(2, ["2023年政府信息公开作年度报告"])  # one character dropped by OCR
    assert not reads_title(3, [])


def lost_row_rule(first: str, second: str, second_at: int) -> tuple[CellBox, list[GridCell]]:
    """A value column of three rows 60 px tall, the rule between rows 1 and 2 lost: one cell
    two rows tall, `first` printed in row 1 and `second` at y = `second_at`. Returns the merged
    cell's box and what the reader makes of it (read as `first`\\n`second`)."""
    page = np.full((180, 300), 235, np.uint8)
    cv2.putText(page, first, (120, 102), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 30, 2)
    cv2.putText(page, second, (120, second_at), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 30, 2)
    table = [
        CellBox(0, 0, 1, 1, (0, 0, 100, 60)),
        CellBox(0, 1, 1, 1, (100, 0, 200, 60)),
        CellBox(1, 0, 1, 1, (0, 60, 100, 120)),
        CellBox(1, 1, 2, 1, (100, 60, 200, 180)),  # the rule at y = 120 lost
        CellBox(2, 0, 1, 1, (0, 120, 100, 180)),
    ]
    merged = table[3]
    cell = GridCell(1, 1, f"{first}\n{second}", rowspan=2, confidence=0.97, bbox=merged.box)
    bands = _line_bands(_glyph_ink(_inner(page, merged.box)))
    return merged, _lost_row_rules(merged, cell, bands, _row_spans(table), 1.0)


def test_a_number_in_each_row_of_a_lost_row_rule_is_a_cell_in_each():
    """A faint scan lost the rule between two rows of a value column: one cell held both rows'
    numbers (5 and 297), and the lower row was short of a value."""
    _, parts = lost_row_rule("5", "297", second_at=162)
    assert [(c.row, c.rowspan, c.col, c.text, c.confidence) for c in parts] == [
        (1, 1, 1, "5", 0.97),
        (2, 1, 1, "297", 0.97),
    ]
    assert [c.bbox for c in parts] == [(100, 60, 200, 120), (100, 120, 200, 180)]


def test_a_merged_cell_is_not_taken_apart():
    _, parts = lost_row_rule("5", "297", second_at=128)  # both lines in the upper row
    assert parts == []
    _, parts = lost_row_rule("ab", "cd", second_at=162)  # words, not numbers: a merged label
    assert parts == []


def digits_drawn(*strokes) -> np.ndarray:
    line = np.full((40, 60), 255, np.uint8)
    for stroke in strokes:
        stroke(line)
    return line


def zero(line: np.ndarray) -> None:
    cv2.ellipse(line, (30, 20), (8, 14), 0, 0, 360, 0, 3)


def one_at(x: int):
    def draw(line: np.ndarray) -> None:
        cv2.line(line, (x, 6), (x, 34), 0, 3)
        cv2.line(line, (x, 6), (x - 5, 11), 0, 2)  # its flag

    return draw


def broken_apart(line: np.ndarray) -> None:
    """A fax's threshold took the thin top and bottom of the "0"."""
    line[4:9, 24:37] = 255
    line[31:37, 24:37] = 255


def test_a_zero_a_fax_broke_in_two_halves_is_one_glyph():
    """Read "0", a "0" broken into "(" and ")" is not a dropped digit; "11" read "1" is."""
    assert _glyphs(digits_drawn(zero)) == 1
    assert _glyphs(digits_drawn(zero, broken_apart)) == 1
    assert _glyphs(digits_drawn(one_at(20), one_at(36))) == 2
    assert _dropped_glyph("1", digits_drawn(one_at(20), one_at(36)))
    assert not _dropped_glyph("0", digits_drawn(zero, broken_apart))


def test_a_minus_one_pixel_thick_stays_in_the_line():
    """本年增/减 -3 at 200 dpi: the minus a pixel thick, 9 px before the 3. It was taken for
    noise, the line cut through it, and -3 read 3."""
    cell = np.full((60, 200), 238, np.uint8)
    cv2.putText(cell, "3", (100, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 30, 3)
    cell[29:32, 66:90] = 200
    cell[30, 66:90] = 60
    (line,) = _text_lines(cell)
    assert leads_with_dash(line)


def test_a_speck_between_the_year_and_its_character_is_no_agency():
    """A speck on a scan read as "." between 2023 and 年: the year is still 2023, and the
    agency the line above, not "2023.年"."""
    title = "北京市丰台区人民政府\n2023.年政府信息公开工作年度报告\n"
    assert agency_and_year(title) == ("北京市丰台区人民政府", 2023)


def test_an_agency_read_from_an_unsure_line_is_a_warning():
    """On a tune draw's 150 dpi title page 石景山区 read 石聚山区, its line at 0.934 (below
    UNSURE_LINE): the name is kept as read, with a warning to check it."""
    unsure = ["北京市石聚山区人民政府"]
    assert agency_warnings("北京市石聚山区人民政府", unsure) == [
        "机关名称“北京市石聚山区人民政府”是从扫描件上识别的，识别把握不大，可能有错字，请核对。"
    ]
    assert agency_warnings("四方台区", ["四方台区2023年政府信息公开工作年度报告"])  # one line
    assert agency_warnings("北京市石景山区人民政府", ["总体情况", "区"]) == []
    assert agency_warnings("淮安市洪泽区人民政府", ["洪泽区人民政府"])  # the city from the text
    assert agency_warnings(None, unsure) == []


def test_a_light_minus_before_a_light_digit_is_a_minus():
    """本年增/减 -3 on a light 150 dpi scan: the 3 as dark as 120, its minus 160, paper 240."""
    line = np.full((45, 65), 240, np.uint8)
    cv2.putText(line, "3", (30, 33), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 120, 3)
    line[20:24, 6:20] = 160
    assert leads_with_dash(line)
    no_minus = line.copy()
    no_minus[20:24, 6:20] = 240
    assert not leads_with_dash(no_minus)


def test_a_blurred_minus_lighter_than_halfway_to_its_digit_is_a_minus():
    """本年增/减 -1 on a blurred 150 dpi scan: the 1's core at 89, the minus's at 155, paper 226,
    the minus blurred into a 10x5 ramp. Halfway from paper to the 1 left 3x2 pixels of it: too
    short for a minus, and -1 read 1 was taken as 1."""
    line = np.full((74, 60), 226, np.uint8)
    cv2.line(line, (36, 33), (36, 56), 89, 5)
    line[44:49, 11:21] = 185
    line[45:47, 14:17] = 155
    assert leads_with_dash(line)
    line[44:49, 11:21] = 226
    assert not leads_with_dash(line)


def test_two_lines_joined_by_a_fax_s_specks_are_two_lines():
    """A title and the line under it, 20 px apart, with specks in every row between them (a
    1-bit fax): two lines of text, not one band read as nothing."""
    page = np.full((200, 900), 255, np.uint8)
    for y, width in ((40, 500), (100, 860)):
        for x in range(20, 20 + width, 40):
            page[y : y + 40, x : x + 30] = 0  # a line of 40 px characters
    for y in range(80, 100):
        page[y, (y * 37) % 880 + 10] = 0
        page[y, (y * 53) % 880 + 10] = 0
    dark = (page < 128).astype(np.uint8) * 255

    def lines(dark: np.ndarray) -> list[tuple[int, int]]:  # to the nearest 10 px
        return [(round(y0, -1), round(y1, -1)) for y0, y1 in _page_line_bands(dark, 4, 40)]

    assert lines(dark) == [(40, 80), (100, 140)]
    one_line = dark.copy()
    one_line[80:] = 0
    one_line[40:110, 300:330] = 255  # a tall character: its line's, not a line of its own
    assert lines(one_line) == [(40, 110)]


def test_the_title_words_of_a_cited_document_give_no_agency():
    """A 150 dpi scan whose title line was not read: the first line holding the title's words
    cites the State Council's notice on the report's format (《 read as （). No agency and no
    year, rather than "办公室关于印发（中华人民共和国"."""
    body = (
        "一\n按照《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开\n"
        "办公室关于印发（中华人民共和国政府信息公开工作年度报告格式〉的通知》要求，现发布\n"
        "《四方台区2023年政府信息公开工作年度报告》。本报告中所列数据的统计期限自\n"
    )
    assert agency_and_year(body) == (None, None)
    assert agency_and_year("四方台区2023年政府信息公开工作年度报告\n" + body) == ("四方台区", 2023)


@pytest.mark.parametrize("shape", [(3508, 2480), (61, 97), (1, 1)])
def test_percentiles_from_the_histogram_are_numpys(shape):
    """A page's (OpenCV's histogram), a cell's and a list of pixels' percentiles equal
    np.percentile's."""
    gray = np.random.default_rng(7).integers(0, 256, shape, dtype=np.uint8)
    for view in (gray, gray[::3, ::2], gray.ravel()[::5]):
        qs = (0.5, 10, 50, 90)
        assert percentiles(view, qs) == pytest.approx([np.percentile(view, q) for q in qs])


def test_a_photo_stored_sideways_is_read_and_shown_as_its_exif_orientation_says(tmp_path):
    """A phone stores a portrait photo sideways and says so in EXIF (orientation 6: turn it a
    quarter clockwise to show it). The page is read as shown, and the review page shows the
    same pixels its boxes are on."""
    page = ruled_page()
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    stored = np.ascontiguousarray(np.rot90(page))  # a quarter turn counter-clockwise
    Image.fromarray(stored).save(tmp_path / "photo.jpg", quality=95, exif=exif.tobytes())
    (loaded,) = load_pages(tmp_path / "photo.jpg")
    assert loaded.shape == page.shape
    assert np.abs(loaded.astype(int) - page).mean() < 2  # JPEG's loss only
    shown = np.asarray(_image_page(str(tmp_path / "photo.jpg"), "exif", 1))
    assert shown.shape == page.shape and np.abs(shown.astype(int) - page).mean() < 2


def test_a_fax_in_normal_mode_is_stretched_to_square_pixels(tmp_path):
    """A fax sent in normal mode is about 200×100 dpi (204×98): every other row of the page.
    It is read, and shown, with its rows doubled, the missing ones found between their
    neighbours."""
    page = np.where(ruled_page() < 128, 0, 255).astype(np.uint8)
    Image.fromarray(page[::2]).convert("1").save(
        tmp_path / "fax.tiff", compression="group4", dpi=(200, 100)
    )
    (loaded,) = load_pages(tmp_path / "fax.tiff")
    assert loaded.shape == (1170, 827)  # 585 rows, each twice
    assert np.abs(loaded[: len(page)].astype(int) - page).mean() < 8  # a row in 40 is a rule
    assert image_frames(str(tmp_path / "fax.tiff"), "fax")[0].size == (827, 1170)
    assert np.asarray(_image_page(str(tmp_path / "fax.tiff"), "fax", 1)).shape == (1170, 827)


@pytest.mark.parametrize(
    "suffix, samples", [(".png", np.uint16), (".tiff", np.uint16), (".tiff", np.int32)]
)
def test_a_scan_of_16_bit_samples_keeps_its_grays(tmp_path, suffix, samples):
    """A scanner's 16-bit grayscale page is read, and shown for review, in its grays scaled to
    8 bits (PIL's own conversion clipped every sample above 255: the page came out white but
    for pure black). 32-bit integer samples of 8-bit values are kept as they are."""
    page = ruled_page()
    scale = 257 if samples == np.uint16 else 1
    Image.fromarray(page.astype(samples) * scale).save(tmp_path / f"scan{suffix}")
    (loaded,) = load_pages(tmp_path / f"scan{suffix}")
    assert np.array_equal(loaded, page)
    assert np.array_equal(np.asarray(_image_page(str(tmp_path / f"scan{suffix}"), "16", 1)), page)


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_a_page_on_transparent_paper_is_read_on_white(tmp_path, mode):
    """An exported page whose paper is transparent black (only the print opaque) is read, and
    shown, on white paper: it came out all black."""
    page = ruled_page()
    ink = 255 - page  # opaque where printed
    rgba = np.dstack([np.zeros_like(page)] * 3 + [ink])
    Image.fromarray(rgba, "RGBA").convert(mode).save(tmp_path / "page.png")
    (loaded,) = load_pages(tmp_path / "page.png")
    assert np.abs(loaded.astype(int) - page).max() <= 1
    shown = np.asarray(_image_page(str(tmp_path / "page.png"), mode, 1)).astype(int)
    assert np.abs(shown - page).max() <= 1


@pytest.mark.parametrize(
    "suffix, options, loss",
    [
        (".webp", {"lossless": True}, 0),
        (".bmp", {}, 0),
        (".gif", {}, 0),
        (".jp2", {}, 0),  # lossless by default
        (".heic", {"quality": 95}, 2),  # a phone's photo (pillow-heif)
        (".avif", {"quality": 95}, 2),
    ],
)
def test_image_files_of_other_formats_are_read(tmp_path, suffix, options, loss):
    """Pages saved as WebP, BMP, GIF, JPEG 2000, HEIC or AVIF are images (told by their bytes,
    whatever their name), read as they are: they were refused as no known format."""
    page = ruled_page()
    Image.fromarray(page).save(tmp_path / f"page{suffix}", **options)
    (tmp_path / f"page{suffix}").rename(tmp_path / "page.dat")
    assert detect_format(tmp_path / "page.dat") == "image"
    (loaded,) = load_pages(tmp_path / "page.dat")
    assert np.abs(loaded.astype(int) - page).mean() <= loss


def test_a_minus_the_second_reading_has_is_taken_where_the_ink_shows_it():
    """A "-1" read "1" (the dash seen in the ink: unsure, and one glyph more than the reading)
    whose second reading is "-1" is "-1", as sure as that reading: three 2019-template
    reports' 本年增/减 were held for review at 200 dpi. A second reading of other digits is
    only an alternative."""
    line = cv2.imread(str(FIXTURES / "minus_one_line_200dpi.png"), cv2.IMREAD_GRAYSCALE)
    unsure = [Flag.UNREAD_SIGN, Flag.UNREAD_GLYPH, Flag.REREAD]

    cell = GridCell(1, 3, "1", confidence=0.3, flags=list(unsure), alternatives=[("-1", 0.997)])
    _take_a_minus_read_again(cell, line, None)
    assert (cell.text, cell.confidence, cell.flags, cell.alternatives) == (
        "-1",
        0.997,
        [Flag.REREAD],
        [],
    )

    other = GridCell(1, 3, "1", confidence=0.3, flags=list(unsure), alternatives=[("-7", 0.9)])
    _take_a_minus_read_again(other, line, None)
    assert (other.text, other.confidence, other.flags) == ("1", 0.3, unsure)


def _at_a_glance(image: np.ndarray) -> bool:
    """may_hold_tables on the page as read_page has it then."""
    from ocr.preprocess import flatten, turned_upright
    from ocr.reader import _bilevel

    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    turned, _, angle, _ = turned_upright(flatten(gray)[0])
    return may_hold_tables(turned, angle, _bilevel(gray))


def _on_a_page(name: str, shape: tuple[int, int]) -> np.ndarray:
    """A fixture that is part of a page, laid at the top of a page of its paper's gray."""
    part = cv2.imread(str(FIXTURES / name), cv2.IMREAD_GRAYSCALE)
    page = np.full(shape, int(np.median(part)), np.uint8)
    page[120 : 120 + part.shape[0], : part.shape[1]] = part
    return page


@pytest.mark.parametrize(
    "name",
    [
        "fax_dotted_rules_p9.tiff",
        "fax_one_row_continuation_p5.tiff",  # one row, rules in dots
        "fax_doubled_border_p1.tiff",
        "landscape_sideways_p4.jpg",
        "photo_edge_in_shadow_p4.jpg",
        "upside_down_table2_p2.jpg",
        "numbers_only_table4_p5.jpg",
        "fax_continuation_dashed_rules_p4.tiff",  # one row of table 四, rules in dashes
        "faint_dashed_one_row_p9.jpg",  # one row, faint rules in dashes
        "thick_rules_200dpi_top_p4.jpg",  # rules too thick to be thin ink at 2 px
        "one_row_doubled_top_rule_300dpi_p4.jpg",  # one row, its rules a row apart on the copy
    ],
)
def test_a_page_with_a_table_is_looked_at_in_full(name):
    from extractors.image import enlarged

    if name.startswith("faint_dashed"):
        image = _on_a_page(name, (2339, 1654))
    elif name.startswith("thick_rules"):
        image = _on_a_page(name, (2678, 1894))
    elif name.startswith("one_row_doubled"):
        image = _on_a_page(name, (3403, 2407))
    else:
        image = enlarged(load_pages(FIXTURES / name)[0])[0]
    assert _at_a_glance(image)


@pytest.mark.parametrize(
    "name",
    [
        "fax_title_p1.tiff",
        "faint150_title_p1.jpg",
        "faint_two_line_title_p1.jpg",
        "body_text_top_271dpi_p2.jpg",  # dense lines of bold text: no rule
    ],
)
def test_a_page_of_text_is_told_from_one_with_a_table_at_a_glance(name):
    from extractors.image import enlarged

    if name.startswith("body_text_top"):
        image = _on_a_page(name, (3169, 2241))
    else:
        image = enlarged(load_pages(FIXTURES / name)[0])[0]
    assert not _at_a_glance(image)
