"""Web pages: HTML (`.html`, `.htm`, or any file whose content is HTML) and MHTML (`.mht`,
`.mhtml`: a page saved with its parts as MIME multipart/related).

- **Charset.** A BOM, else the page's `<meta charset>` / `http-equiv` Content-Type (for MHTML: the
  html part's Content-Type header), else UTF-8 if the bytes are valid UTF-8, else detected by
  charset-normalizer. GB2312 and GBK are decoded as GB18030, their superset: pages that declare
  gb2312 routinely hold GBK characters. A declaration the bytes contradict is ignored.
- **Grid.** From `rowspan`/`colspan`, as in the DOCX route: a position covered by a rowspan from
  above shifts the next cells of that row right. Spans are clamped as browsers do (colspan ≤ 1000,
  rowspan to the rows left). One `<table>` gives one Grid: a table split over several `<table>`s
  is joined by the canonical mapping, which reads rows across grids in document order.
- **Nested tables.** A table holding another table is layout (CMS pages wrap their content in
  one); only the innermost tables are read as grids, the layout table's other text is body text.
- **Cell text.** `<br>` and block elements (`<p>`, `<div>`, …) are line breaks; within a line,
  whitespace (`&nbsp;` included) is collapsed to one space; lines are stripped, empty ones dropped.
  Word's pasted markup (`MsoNormalTable`, `<o:p>`, nested `<span>`s, conditional comments) needs
  nothing special beyond that.
- **Body text.** The text outside the data tables, one line per block element, in document order.
- **Page chrome** is left out: `script`, `style`, `noscript`, `template`, `head`, `nav`, `iframe`,
  `header`/`footer` elements, and any element whose id or class has one of the words of
  CHROME_WORDS (split on `-`, `_`, spaces and camelCase: `top-nav`, `siteFooter`, `breadcrumb`).
  An element holding a `<table>` or an `<h1>` is never chrome: the report's tables and title are
  kept even when a CMS wraps them in a `header`-classed box.
- **Tables published as images.** An `<img>` saved with the page is read through the scan route
  (ocr.reader.read_page, as extractors/image.py reads one page): its grids join the page's tables
  in document order, its text the body at its place. Only images beside the page are read: a
  relative `src` inside the page's own folder (a browser's "Save page as… complete" puts them in
  `<page>_files/`), or a `data:` URI. The page's images are numbered 1, 2, … in document order
  and that number is their cells' `page`; `scanned_pages` holds those read by OCR and `pages`
  their count (None when there are none). Icons and spacers (a side under MIN_TABLE_IMAGE_PX)
  are skipped silently; limits.max_megapixels holds for each image, limits.max_frames for
  their number.
- **Nothing is fetched**: no network (an `http:`, `https:` or `//host` image is left out, with a
  warning that names it), no external entities, and no file is read but the page and its own
  images: `../`, absolute paths, `file:` URLs and links that resolve outside the page's folder
  are refused with a warning; a missing image gets a warning too.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import os
import re
import stat
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

import lxml.html
from lxml import etree

from model.grid import Extraction, Grid, GridCell
from model.limits import DEFAULT as DEFAULT_LIMITS
from model.limits import Limits, check
from model.settings import DEFAULT, ScanSettings

from .errors import UnreadableDocument

CHROME_TAGS = {"script", "style", "noscript", "template", "head", "nav", "iframe", "header",
               "footer", "select", "button", "object", "embed", "svg"}  # fmt: skip
CHROME_WORDS = {"nav", "navbar", "navigation", "menu", "footer", "header", "breadcrumb",
                "breadcrumbs", "crumb", "crumbs", "share", "sidebar", "topbar",
                "toolbar"}  # fmt: skip
# Elements whose start and end break a line (body text and cell text alike).
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
          "table", "tr", "td", "th", "caption", "section", "article", "main", "blockquote",
          "pre", "address", "center", "form", "fieldset", "hr", "figure", "figcaption",
          "body", "html"}  # fmt: skip
GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "cp936", "ms936", "windows-936",
              "euc-cn", "x-euc-cn", "chinese", "iso-ir-58", "gb18030"}  # fmt: skip
MAX_COLSPAN = 1000  # as browsers clamp them (HTML Living Standard)
MAX_ROWSPAN = 65534
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
SPACES = re.compile(r"[ \t\n\r\f\v\u00a0\u200b]+")
# A source line break between two Chinese characters is no space (as browsers render it).
CJK = r"[\u3000-\u9fff\uff00-\uffef]"
CJK_BREAK = re.compile(rf"(?<={CJK})[ \t\r\f]*\n\s*(?={CJK})")
WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")

EMPTY_PAGE = "网页里没有可读取的文字或表格（页面是空的）。"
MIN_TABLE_IMAGE_PX = 200  # an image with a side under this cannot hold a table: icon, spacer
# A cropped table spans the text width of an A4 page (156 mm in the official document format);
# an image shaped like a whole page spans its 8.27 in.
TABLE_WIDTH_INCHES = 6.14
A4_WIDTH_INCHES = 8.27
REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.I)  # a scheme, //host, \\host
OUTSIDE = "网页中的表格图片“{name}”不在网页所在的文件夹里，出于安全考虑未读取。"
WINDOWS_DRIVE = re.compile(r"^[a-z]:[\\/]", re.I)


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    check(limits, "max_part_mb", path.stat().st_size / 1e6)
    return parse(decode(path.read_bytes()), limits, fmt="html", folder=path.parent, scan=scan)


def extract_mhtml(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    """The page of an MHTML archive: its first text/html part, decoded by its own headers."""
    check(limits, "max_part_mb", path.stat().st_size / 1e6)
    try:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
    except Exception as e:  # the email parser is lenient; this is a truly broken file
        raise UnreadableDocument(f"MHTML 网页存档已损坏，无法读取（{type(e).__name__}）。")
    for part in message.walk():
        if part.get_content_type() == "text/html":
            data = part.get_payload(decode=True) or b""
            check(limits, "max_part_mb", len(data) / 1e6)
            extraction = parse(decode(data, part.get_content_charset()), limits, fmt="mhtml")
            return extraction
    raise UnreadableDocument("MHTML 网页存档里没有网页（text/html）部分，无法读取。")


# --- charset ----------------------------------------------------------------------------------


def decode(data: bytes, declared: str | None = None) -> str:
    """The page's text. `declared` is a charset from outside the page (an MHTML part header)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                break
    if not data.strip():
        raise UnreadableDocument(EMPTY_PAGE)
    candidates = [declared, _meta_charset(data), "utf-8"]
    for name in candidates:
        encoding = _codec(name)
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = _codec(best.encoding) if best is not None else None
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise UnreadableDocument(
        "网页的文字编码无法识别（既不是 UTF-8，也不是 GBK/GB18030），"
        "请在浏览器中打开后另存为 UTF-8 编码的网页再试。"
    )


def _meta_charset(data: bytes) -> str | None:
    match = META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii") if match else None


def _codec(name: str | None) -> str | None:
    """Python's codec for a charset name, GB2312/GBK read as GB18030; None when unknown."""
    if not name:
        return None
    name = name.strip().lower()
    if name in GB_ALIASES:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec in ("gb2312", "gbk"):
        return "gb18030"
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return None  # a page read as ASCII-compatible bytes cannot really be UTF-16
    return codec


# --- the tree ---------------------------------------------------------------------------------


def parse(
    text: str,
    limits: Limits = DEFAULT_LIMITS,
    fmt: str = "html",
    folder: Path | None = None,
    scan: ScanSettings = DEFAULT,
) -> Extraction:
    """The page's body text and tables. `folder`: the page's own folder, where its saved images
    are (None: no image file is read, as for an MHTML archive's page)."""
    root = _tree(text)
    if root is None:
        raise UnreadableDocument(EMPTY_PAGE)
    _drop_chrome(root)
    data_tables = {t for t in root.iter("table") if not _has_table_inside(t)}
    images = _PageImages(folder, scan, limits)
    tables = []
    for element in list(root.iter("table", "img")):  # read images replace their <img>
        if element.tag == "img":
            tables += images.read(element)
        elif element in data_tables:
            grid = read_table(element, limits)
            if grid.cells:
                tables.append(grid)
    body = _body_text(root, data_tables)
    if not body.strip() and not any(c.text for g in tables for c in g.cells):
        raise UnreadableDocument(EMPTY_PAGE)
    return Extraction(
        format=fmt,
        body_text=body,
        tables=tables,
        pages=images.count or None,
        warnings=images.warnings,
        scanned_pages=images.turned,
    )


def _tree(text: str):
    # lxml is given UTF-8 bytes and told so: the page's own <meta charset> is then moot.
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        remove_comments=True,  # Word's <!--[if gte mso 9]> blocks go with them
        remove_pis=True,
        no_network=True,
        huge_tree=False,
    )
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root


def _drop_chrome(root) -> None:
    doomed = []
    for element in root.iter(etree.Element):
        if not isinstance(element.tag, str):
            continue
        if _is_chrome(element):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is None:
            continue
        # Keep the text that follows the element (its tail belongs to the parent).
        tail = element.tail
        if tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(element)


def _is_chrome(element) -> bool:
    tag = element.tag.lower()
    if tag in ("html", "body", "table", "tr", "td", "th", "thead", "tbody", "tfoot"):
        return False
    if tag in ("script", "style", "noscript", "template", "head"):
        return True
    named = tag in CHROME_TAGS or _chrome_name(element)
    if not named:
        return False
    # The report's tables and title are never chrome, whatever box they sit in.
    return next(element.iter("table", "h1"), None) is None


def _chrome_name(element) -> bool:
    """An id or class with a chrome word in it: `nav`, `top-nav`, `siteFooter`, `top_bar`."""
    for name in f"{element.get('id') or ''} {element.get('class') or ''}".split():
        if re.sub(r"[-_]", "", name.lower()) in CHROME_WORDS:
            return True
        if any(w.lower() in CHROME_WORDS for w in WORDS.findall(name)):
            return True
    return False


def _has_table_inside(table) -> bool:
    return any(t is not table for t in table.iter("table"))


# --- tables -----------------------------------------------------------------------------------


def read_table(table, limits: Limits = DEFAULT_LIMITS) -> Grid:
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    covered: dict[int, set[int]] = {}  # grid row -> columns taken by rowspans from above
    cells: list[GridCell] = []
    positions = 0
    for r, tr in enumerate(rows):
        taken = covered.setdefault(r, set())
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while col in taken:
                col += 1
            colspan = min(max(1, _span(td.get("colspan"))), MAX_COLSPAN)
            rowspan = _span(td.get("rowspan"))
            rowspan = len(rows) - r if rowspan == 0 else min(max(1, rowspan), MAX_ROWSPAN)
            rowspan = max(1, min(rowspan, len(rows) - r))  # no rows beyond the table
            positions += rowspan * colspan
            check(limits, "max_cells", positions)
            cells.append(
                GridCell(row=r, col=col, text=cell_text(td), rowspan=rowspan, colspan=colspan)
            )
            for below in range(r + 1, r + rowspan):
                covered.setdefault(below, set()).update(range(col, col + colspan))
            col += colspan
        covered.pop(r, None)
    return Grid(cells)


def _span(value: str | None) -> int:
    match = re.match(r"\s*(\d{1,9})", value or "")
    return int(match.group(1)) if match else 1


def cell_text(element) -> str:
    return _lines(_flow(element, skip=()))


# --- tables published as images ---------------------------------------------------------------


class _PageImages:
    """Reads a page's `<img>`s as scans, numbering those read 1, 2, … in document order."""

    def __init__(self, folder: Path | None, scan: ScanSettings, limits: Limits):
        self.folder = folder.resolve() if folder is not None else None
        self.scan = scan
        self.limits = limits
        self.count = 0
        self.turned: dict[int, int] = {}
        self.warnings: list[str] = []

    def read(self, img) -> list[Grid]:
        """The image's grids; its text replaces the element, so that it is body text in place."""
        src = (img.get("src") or "").strip()
        if not src:
            return []
        data = self._data(src)
        if data is None:
            return []
        gray = self._decode(data, src)
        if gray is None:
            return []
        from ocr.reader import read_page

        from .image import enlarged

        self.count += 1
        check(self.limits, "max_frames", self.count)
        number = self.count
        settings = self.scan.for_page(number)
        want = self._want_dpi(gray, settings)
        page = _on_page(gray)
        # enlarged takes the short side for A4's: its dpi is the page's, the scale the same
        image, scale = enlarged(page, want * min(page.shape) / min(gray.shape), self.limits)
        reading = read_page(image, number, bbox_scale=1 / scale, settings=settings)  # file pixels
        self.turned[number] = reading.turned
        self.warnings += reading.warnings
        _replace_with_text(img, reading.text)
        return list(reading.grids)

    def _data(self, src: str) -> bytes | None:
        """The image's bytes, or None (with a warning when it is refused or missing)."""
        name = _shown(src)
        if src[:5].lower() == "data:":
            data = _data_uri(src)
            check(self.limits, "max_part_mb", len(data or b"") / 1e6)
            return data
        if REMOTE.match(src) or WINDOWS_DRIVE.match(src):
            if re.match(r"^\s*(?:https?:)?//", src, re.I):
                self._warn(f"网页中的表格图片“{name}”在网络上，不会联网下载，未读取。")
            else:  # file:, a drive letter, \\host: outside the page's folder
                self._warn(OUTSIDE.format(name=name))
            return None
        if self.folder is None:
            return None  # an MHTML page: its images are parts of the archive, not files
        relative = unquote(src.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
        parts = [p for p in relative.split("/") if p not in ("", ".")]
        if relative.startswith("/") or ".." in parts or "\0" in relative or not parts:
            self._warn(OUTSIDE.format(name=name))
            return None
        path = self.folder.joinpath(*parts)
        try:
            real = path.resolve(strict=True)
        except FileNotFoundError:
            self._warn(f"网页中的表格图片“{name}”不存在，无法读取。")
            return None
        except (OSError, RuntimeError):  # a link loop, a folder that cannot be listed
            self._warn(f"网页中的表格图片“{name}”无法读取。")
            return None
        if not real.is_relative_to(self.folder):
            self._warn(OUTSIDE.format(name=name))
            return None
        return self._read_file(real, name)

    def _read_file(self, path: Path, name: str) -> bytes | None:
        # Non-blocking open, then only a regular file is read: a FIFO would block for ever.
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            self._warn(f"网页中的表格图片“{name}”无法读取。")
            return None
        with open(fd, "rb") as f:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                self._warn(f"网页中的表格图片“{name}”不是普通文件，未读取。")
                return None
            check(self.limits, "max_part_mb", info.st_size / 1e6)
            return f.read()

    def _decode(self, data: bytes, src: str):
        """The image's first frame as an 8-bit grayscale array, or None: too small to hold a
        table (silently), or broken (with a warning). Its size is checked from its header."""
        import io

        import numpy as np
        from PIL import Image, UnidentifiedImageError

        Image.MAX_IMAGE_PIXELS = None  # our own limit below, with a message that names it
        try:
            with Image.open(io.BytesIO(data)) as image:
                if min(image.size) < MIN_TABLE_IMAGE_PX:
                    return None
                check(self.limits, "max_megapixels", image.width * image.height / 1e6)
                return np.asarray(image.convert("L"))
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
            if _is_svg(data):
                return None  # a vector drawing (a logo, an icon): no scan to read
            self._warn(
                f"网页中的表格图片“{_shown(src)}”已损坏或格式不受支持，无法读取"
                f"（{type(e).__name__}）。"
            )
            return None

    @staticmethod
    def _want_dpi(gray, settings: ScanSettings) -> float:
        """The dpi to read at, in enlarged's terms (it takes the short side for A4's 8.27 in):
        a web image is a table cropped to the text width, or a whole page."""
        from ocr.preprocess import reading_dpi

        height, width = gray.shape
        inches = A4_WIDTH_INCHES if height >= 1.3 * width else TABLE_WIDTH_INCHES
        dpi = max(1.0, width / inches)
        want = settings.dpi or reading_dpi(dpi)
        return want * (min(gray.shape) / A4_WIDTH_INCHES) / dpi

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _on_page(gray):
    """A cropped table on white paper of A4's shape, at its top left (its pixels keep their
    coordinates): the scan route's rule finder sizes what a rule is by the page, and takes a
    character's strokes for rules on a strip a few rows high."""
    import numpy as np

    height, width = gray.shape
    want = round(width * 297 / 210)
    if height >= want:
        return gray
    page = np.full((want, width), 255, np.uint8)
    page[:height] = gray
    return page


def _data_uri(src: str) -> bytes | None:
    header, _, payload = src.partition(",")
    try:
        if header.lower().endswith(";base64"):
            import base64

            return base64.b64decode("".join(unquote(payload).split()), validate=False)
        return unquote_to_bytes(payload)
    except ValueError:
        return None


def _is_svg(data: bytes) -> bool:
    return b"<svg" in data[:1000].lower()


def _shown(src: str) -> str:
    """The image as a warning names it: a data: URI by its type only, long names cut."""
    if src[:5].lower() == "data:":
        return src.split(",", 1)[0][:60] + ",…"
    src = unquote(src)
    return src if len(src) <= 120 else src[:117] + "…"


def _replace_with_text(element, text: str) -> None:
    """The image's place in the page now holds the text read from it, as a block of lines."""
    block = etree.Element("div")
    block.text = text
    block.tail = element.tail
    parent = element.getparent()
    if parent is not None:
        parent.replace(element, block)


# --- text -------------------------------------------------------------------------------------


BREAK = None  # a line break in _flow's pieces (a "\n" piece is source white space)


def _flow(element, skip) -> list[str | None]:
    """The element's text as pieces, BREAK marking a line break; `skip`ped elements give one."""
    out: list[str | None] = []

    def walk(node) -> None:
        if node in skip:
            out.append(BREAK)
            return
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag == "br" or tag in BLOCKS:
            out.append(BREAK)
        if node.text and isinstance(node.tag, str):
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if tag in BLOCKS:
            out.append(BREAK)

    walk(element)
    return out


def _lines(pieces: list[str | None]) -> str:
    text = "".join("\n" if p is BREAK else SPACES.sub(" ", CJK_BREAK.sub("", p)) for p in pieces)
    lines = []
    for line in text.split("\n"):
        line = line.strip(" ")
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


def _body_text(root, data_tables: set) -> str:
    body = root.find("body")
    return _lines(_flow(body if body is not None else root, skip=data_tables))
