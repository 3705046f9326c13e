"""Build samples/html/ from the seeds: web pages of the five seed reports.

- `<seed>.html`: a clean UTF-8 page per seed. Body text from the seed dump (samples/text), the
  tables from the DOCX sample (samples/docx, the official template's real gridSpan/vMerge
  merges) read by extractors.docx.read_table, written with the same rowspan/colspan.
- `cms_gbk_<seed>.html`: the kind of page a government CMS serves. GBK bytes under
  `<meta charset="gb2312">`, page chrome (top nav, breadcrumb, share bar, sidebar, footer,
  scripts and styles), a layout table wrapping the content, tables pasted from Word
  (MsoNormalTable, `<o:p>`, nested spans, `&nbsp;` in blank cells, `<br>` in labels, Word's
  conditional comments and its zero-height column-width row), and table 三 split over two
  `<table>`s in the middle of its 不予公开 group.
- `mhtml_<seed>.mhtml`: a page as Chrome saves it ("Save as… single file"): multipart/related,
  the html part quoted-printable UTF-8, with a stylesheet and an image part beside it.
- `images_<seed>.html`: a page whose tables are published as images, saved as a browser's "Save
  page as… complete" does: the images in `images_<seed>_files/` beside it, referenced by
  relative `src`. Each table is cropped from the PDF sample's pages rendered at 200 dpi
  (pypdfium2, grayscale), a table split over two pages stitched into one image. A 16×16 icon
  and a 1×1 spacer (read as nothing) and a remote logo in the top bar (page chrome, never fetched) come with them.

Deterministic: same seeds, same bytes. Run: python scripts/make_html_samples.py
"""

import html
import sys
from email import charset as email_charset
from email.generator import BytesGenerator
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import docx
from docx.oxml.ns import qn
from make_samples import segments

from extractors.docx import read_table

OUT = ROOT / "samples" / "html"
IMAGES_SEED = "000_de4a6e6b343917dd"
IMAGES_PDF = ROOT / "samples" / "pdf" / f"{IMAGES_SEED}.wqy-zenhei.pdf"
IMAGES_DPI = 200
CMS_SEED = "002_aeca975d5bd5932c"  # the seed with a blank cell and the source's own errors
MHTML_SEED = "004_35a7a0986a780ec4"
SPLIT_BEFORE = "5.属于三类内部事务信息"  # table 三 continues in a second <table> from this row


def seed_parts(seed):
    text = (ROOT / "samples" / "text" / f"{seed}.txt").read_text(encoding="utf-8")
    document = docx.Document(str(ROOT / "samples" / "docx" / f"{seed}.docx"))
    grids = [read_table(t) for t in document.element.body.iter(qn("w:tbl"))]
    parts, tables = [], iter(grids)
    for kind, content in segments(text):
        parts.append((kind, next(tables) if kind == "table" else content))
    return parts


def page_title(parts, seed):
    lines = [line for kind, content in parts if kind == "body" for line in content]
    return next((line for line in lines if "年度报告" in line and len(line) < 60), seed)


def grid_rows(grid):
    """[(row index, [cells starting there])], empty rows (all covered from above) included."""
    last = max(c.row + c.rowspan for c in grid.cells)
    by_row = {r: [] for r in range(last)}
    for cell in grid.cells:
        by_row[cell.row].append(cell)
    return [(r, sorted(by_row[r], key=lambda c: c.col)) for r in range(last)]


def span_attrs(cell, rowspan=None):
    rowspan = cell.rowspan if rowspan is None else rowspan
    attrs = ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    return attrs


def cell_html(text):
    return "<br>".join(html.escape(line) for line in text.split("\n"))


# --- the clean page ---------------------------------------------------------------------------


def clean_page(seed):
    parts = seed_parts(seed)
    title = page_title(parts, seed)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>table{border-collapse:collapse}td,th{border:1px solid #000;padding:2px}</style>",
        "</head>",
        "<body>",
    ]
    first = True
    for kind, content in parts:
        if kind == "table":
            out.append('<table border="1">')
            for _, cells in grid_rows(content):
                tds = "".join(f"<td{span_attrs(c)}>{cell_html(c.text)}</td>" for c in cells)
                out.append(f"<tr>{tds}</tr>")
            out.append("</table>")
            continue
        for line in content:
            if first and line:
                out.append(f"<h1>{html.escape(line)}</h1>")
                continue
            if line:
                out.append(f"<p>{html.escape(line)}</p>")
        first = False
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# --- the CMS page -----------------------------------------------------------------------------

CMS_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office">
<head>
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<meta charset="gb2312" />
<title>{title}_政府信息公开年报_首都之窗</title>
<link rel="stylesheet" href="/css/main.css" />
<style type="text/css">
.nav li {{ float: left; }} /* 导航菜单 */
p.MsoNormal {{ margin: 0cm; font-family: 仿宋_GB2312; }}
</style>
<script type="text/javascript">
var _hmt = _hmt || []; document.write("<p>统计代码 政府信息公开工作年度报告 请勿收录</p>");
</script>
</head>
<body>
<div class="top-bar">无障碍浏览&nbsp;|&nbsp;长者模式&nbsp;|&nbsp;English</div>
<div id="header" class="site-header"><img src="/images/logo.png" alt="首都之窗" />北京市人民政府门户网站</div>
<nav class="main-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="layout">
<tr>
<td width="220" valign="top"><div class="sidebar"><h3>栏目导航</h3><ul><li>政府信息公开指南</li><li>政府信息公开制度</li><li>法定主动公开内容</li><li>政府信息公开年报</li></ul></div></td>
<td valign="top">
<div class="article-content" id="zoom">
"""

CMS_TAIL = """</div>
<div class="share-bar">分享到：微信&nbsp;微博&nbsp;<a href="javascript:window.print()">【打印本页】</a>&nbsp;<a href="javascript:window.close()">【关闭窗口】</a></div>
</td>
</tr>
</table>
<div id="footer" class="footer"><p>主办：北京市人民政府办公厅&nbsp;&nbsp;承办：北京市政务服务和数据管理局</p><p>京ICP备05060933号&nbsp;京公网安备 11010502039234号</p></div>
<script type="text/javascript">
(function () { var s = document.createElement("script"); s.src = "https://hm.example.cn/hm.js"; })();
</script>
</body>
</html>
"""


def word_cell(cell, rowspan=None):
    """A cell as Word's "Save as web page" writes it: spans in spans, <o:p>, &nbsp; if empty."""
    width = 60 * cell.colspan
    lines = cell.text.split("\n")
    if cell.text.strip():
        inner = "<br />\n".join(
            f"<span style='font-size:10.5pt;font-family:仿宋_GB2312'>{html.escape(line)}</span>"
            for line in lines
        )
        inner = f"<span lang=EN-US style='font-size:10.5pt'>{inner}<o:p></o:p></span>"
    else:
        inner = "<span lang=EN-US style='font-size:10.5pt'>&nbsp;<o:p></o:p></span>"
    return (
        f"<td width={width}{span_attrs(cell, rowspan)} valign=center "
        "style='border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'>\n"
        f"<p class=MsoNormal align=center style='text-align:center'>{inner}</p>\n</td>"
    )


def word_table(rows, columns):
    out = [
        "<div align=center>",
        "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
        "style='border-collapse:collapse;border:none;mso-yfti-tbllook:1184'>",
    ]
    for n, (_, cells, rowspans) in enumerate(rows):
        out.append(f"<tr style='mso-yfti-irow:{n};height:20.0pt'>")
        out += [word_cell(c, rowspans.get(id(c))) for c in cells]
        out.append("</tr>")
    # Word's zero-height row that fixes the column widths, for browsers that misalign them.
    out.append("<![if !supportMisalignedColumns]>")
    out.append("<tr height=0>" + "<td width=60 style='border:none'></td>" * columns + "</tr>")
    out.append("<![endif]>")
    out += ["</table>", "</div>"]
    return out


def split_table(grid):
    """Table 三 as two <table>s, cut before SPLIT_BEFORE: spans across the cut are cut too, and
    the second part starts without the group labels, as an editor who pastes it page by page
    leaves it."""
    rows = grid_rows(grid)
    cut = next(r for r, cells in rows if any(c.text.strip() == SPLIT_BEFORE for c in cells))
    first, second = [], []
    for r, cells in rows:
        if r < cut:
            rowspans = {id(c): min(c.rowspan, cut - r) for c in cells}
            first.append((r, cells, rowspans))
        else:
            second.append((r, cells, {}))
    columns = max(c.col + c.colspan for c in grid.cells)
    return word_table(first, columns), word_table(second, columns)


def cms_page(seed):
    parts = seed_parts(seed)
    title = page_title(parts, seed)
    out = [CMS_HEAD.format(title=html.escape(title))]
    out.append("<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>办公室</o:Author>"
               "</o:DocumentProperties></xml><![endif]-->")  # fmt: skip
    out.append("<div class=WordSection1 style='layout-grid:15.6pt'>")
    tables = 0
    for kind, content in parts:
        if kind == "table":
            tables += 1
            columns = max(c.col + c.colspan for c in content.cells)
            if tables == 2:
                one, two = split_table(content)
                out += one
                out.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
                out += two
            else:
                rows = [(r, cells, {}) for r, cells in grid_rows(content)]
                out += word_table(rows, columns)
            continue
        for line in content:
            text = html.escape(line)
            if line.startswith(("一、", "二、", "三、", "四、", "五、", "六、")):
                out.append(
                    "<p class=MsoNormal style='text-indent:32.0pt'><b><span "
                    f"style='font-family:黑体'>{text}</span></b><o:p></o:p></p>"
                )
            elif line:
                out.append(
                    "<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'>"
                    f"<span style='font-size:16.0pt;font-family:仿宋_GB2312'>{text}"
                    "<span lang=EN-US><o:p></o:p></span></span></p>"
                )
            else:
                out.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
    out.append("</div>")
    out.append(CMS_TAIL)
    return "\n".join(out).encode("gbk")


# --- the MHTML archive ------------------------------------------------------------------------

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def mhtml(seed):
    page = clean_page(seed).replace(
        "<body>", '<body>\n<div class="nav">首页 | 政务公开</div>\n<img src="logo.png" alt="">', 1
    )
    archive = MIMEMultipart("related", boundary="----MultipartBoundary--nianbao0sample----")
    archive["From"] = "<Saved by Blink>"
    archive["Snapshot-Content-Location"] = f"https://www.example.gov.cn/nianbao/{seed}.html"
    archive["Subject"] = "=?utf-8?Q?nianbao?="
    archive.set_param("type", "text/html")
    qp = email_charset.Charset("utf-8")
    qp.body_encoding = email_charset.QP
    part = MIMENonMultipart("text", "html")
    part.set_payload(page, charset=qp)
    part["Content-ID"] = "<frame-0@mhtml.blink>"
    part["Content-Location"] = f"https://www.example.gov.cn/nianbao/{seed}.html"
    archive.attach(part)
    css = MIMENonMultipart("text", "css")
    css.set_payload("table { border-collapse: collapse; }\n", charset=qp)
    css["Content-Location"] = "cid:css-0@mhtml.blink"
    archive.attach(css)
    image = MIMEBase("image", "png")
    image.set_payload(PNG_1X1)
    from email import encoders

    encoders.encode_base64(image)
    image["Content-Location"] = "https://www.example.gov.cn/nianbao/logo.png"
    archive.attach(image)
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=False, maxheaderlen=0).flatten(archive)
    return buffer.getvalue().replace(b"\n", b"\r\n")


# --- the page of table images ------------------------------------------------------------------


def table_pieces(pdf_path):
    """[(page index, bbox in points)] of every ruled table piece, in reading order."""
    import pdfplumber

    with pdfplumber.open(str(pdf_path)) as pdf:
        return [
            (n, t.bbox)
            for n, page in enumerate(pdf.pages)
            for t in sorted(page.find_tables(), key=lambda t: t.bbox[1])
        ]


def rule_rows(image):
    """The rows of a crop that a table-wide rule runs along (its pixels mostly dark), by the
    rule: [the last row of the top rule, …, the last row of the bottom rule]."""
    import numpy as np

    dark = (np.asarray(image) < 128).mean(axis=1) > 0.5
    rows = np.flatnonzero(dark)
    return [int(r) for r in rows if r + 1 >= len(dark) or not dark[r + 1]]


def table_images(pdf_path, dpi=IMAGES_DPI):
    """One grayscale PIL image per table, a table continued on the next page stitched on."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    pieces = table_pieces(pdf_path)
    document = pdfium.PdfDocument(str(pdf_path))
    scale = dpi / 72
    margin = 8  # points of white around the table
    crops = []
    try:
        for n, (x0, top, x1, bottom) in pieces:
            page = document[n]
            image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
            box = [
                round(v * scale) for v in (x0 - margin, top - margin, x1 + margin, bottom + margin)
            ]
            crops.append((n, top, bottom, page.get_size()[1], image.crop(box)))
    finally:
        document.close()
    # A piece that starts a page right after a piece that ends the previous one continues it.
    tables = []
    for i, (n, top, _bottom, height, crop) in enumerate(crops):
        continues = i and crops[i - 1][0] == n - 1 and top < 100 and crops[i - 1][2] > height - 100
        if continues:  # cut at the rules: the first piece's bottom one is the second's top one
            last = tables[-1][-1]
            tables[-1][-1] = last.crop((0, 0, last.width, rule_rows(last)[-1] + 1))
            tables[-1].append(crop.crop((0, rule_rows(crop)[0] + 1, crop.width, crop.height)))
        else:
            tables.append([crop])
    images = []
    for parts in tables:
        width = max(p.width for p in parts)
        out = Image.new("L", (width, sum(p.height for p in parts)), 255)
        y = 0
        for part in parts:
            out.paste(part, (0, y))
            y += part.height
        images.append(Image.fromarray(np.asarray(out)))
    return images


def images_page(seed):
    """The page's html and its images {name: PNG bytes}."""
    parts = seed_parts(seed)
    title = page_title(parts, seed)
    folder = f"images_{seed}_files"
    images = {}
    for n, image in enumerate(table_images(IMAGES_PDF), start=1):
        buffer = BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        images[f"table{n}.png"] = buffer.getvalue()
    buffer = BytesIO()
    from PIL import Image

    Image.new("L", (16, 16), 80).save(buffer, format="PNG")
    images["print.png"] = buffer.getvalue()
    images["spacer.gif"] = bytes.fromhex(
        "47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b"
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "</head>",
        "<body>",
        '<div class="top-bar"><img src="https://www.example.gov.cn/images/logo.png" alt=""></div>',
        f'<p><img src="{folder}/spacer.gif" width="1" height="1">'
        f'<a href="javascript:window.print()"><img src="{folder}/print.png" alt="">打印</a></p>',
    ]
    tables, first = 0, True
    for kind, content in parts:
        if kind == "table":
            tables += 1
            out.append(
                f'<p style="text-align:center"><img src="{folder}/table{tables}.png" '
                f'alt="表{tables}" style="max-width:100%"></p>'
            )
            continue
        for line in content:
            if first and line:
                out.append(f"<h1>{html.escape(line)}</h1>")
            elif line:
                out.append(f"<p>{html.escape(line)}</p>")
        first = False
    if tables != len([n for n in images if n.startswith("table")]):
        raise SystemExit(f"{seed}: {tables} tables in the text, {len(images) - 2} in the PDF")
    out += ["</body>", "</html>", ""]
    return "\n".join(out), images


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    seeds = sorted(p.stem for p in (ROOT / "samples" / "text").glob("*.txt"))
    for seed in seeds:
        (OUT / f"{seed}.html").write_text(clean_page(seed), encoding="utf-8")
        print("made", f"{seed}.html")
    (OUT / f"cms_gbk_{CMS_SEED}.html").write_bytes(cms_page(CMS_SEED))
    print("made", f"cms_gbk_{CMS_SEED}.html")
    (OUT / f"mhtml_{MHTML_SEED}.mhtml").write_bytes(mhtml(MHTML_SEED))
    print("made", f"mhtml_{MHTML_SEED}.mhtml")
    page, images = images_page(IMAGES_SEED)
    folder = OUT / f"images_{IMAGES_SEED}_files"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        if old.name not in images:
            old.unlink()
    for name, data in images.items():
        (folder / name).write_bytes(data)
    (OUT / f"images_{IMAGES_SEED}.html").write_text(page, encoding="utf-8")
    print("made", f"images_{IMAGES_SEED}.html", f"and {len(images)} images")


if __name__ == "__main__":
    sys.exit(main())
