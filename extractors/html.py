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
- **Nothing is fetched**: no network, no external entities, and no file is read but the page.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from pathlib import Path

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


def extract(
    path: Path, scan: ScanSettings = DEFAULT, limits: Limits = DEFAULT_LIMITS
) -> Extraction:
    check(limits, "max_part_mb", path.stat().st_size / 1e6)
    return parse(decode(path.read_bytes()), limits, fmt="html")


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


def parse(text: str, limits: Limits = DEFAULT_LIMITS, fmt: str = "html") -> Extraction:
    root = _tree(text)
    if root is None:
        raise UnreadableDocument(EMPTY_PAGE)
    _drop_chrome(root)
    data_tables = [t for t in root.iter("table") if not _has_table_inside(t)]
    tables = [g for g in (read_table(t, limits) for t in data_tables) if g.cells]
    body = _body_text(root, set(data_tables))
    if not body.strip() and not any(c.text for g in tables for c in g.cells):
        raise UnreadableDocument(EMPTY_PAGE)
    return Extraction(format=fmt, body_text=body, tables=tables)


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
