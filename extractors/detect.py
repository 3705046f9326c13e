"""Tell an input's format from its bytes (magic numbers, zip members, the streams of an OLE
compound file), never from its name: a `.doc` that is really RTF or a web page, or a `.txt`
that is a web page, is read as what it is."""

from __future__ import annotations

import zipfile
from pathlib import Path

import olefile

from model.files import page_files

from .errors import UnreadableDocument

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .wps / .xls / .ppt
RTF_MAGIC = b"{\\rtf"
ODF_TEXT = (
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.text-template",
)
FIB_ENCRYPTED = 0x0100  # Word's FIB: fEncrypted, in the flags word at offset 10
HTML_TAGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<table")
IMAGE_MAGICS = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"GIF87a",
    b"GIF89a",
    b"\x00\x00\x00\x0cjP  \r\n\x87\n",  # JPEG 2000
    b"\xff\x4f\xff\x51",  # JPEG 2000 codestream
)
# ISO media files holding a still image (their ftyp box's brand, at byte 4): a phone's HEIC
# photo (read through pillow-heif), AVIF.
IMAGE_FTYPS = tuple(
    b"ftyp" + brand
    for brand in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
)


def detect_format(path: Path) -> str:
    """Return "text", "html", "mhtml", "docx", "doc", "wps", "rtf", "odt", "pdf" or "image",
    or raise UnreadableDocument. A folder (the pages of one report, as the user said) must hold
    images only."""
    if path.is_dir():
        return _pages_folder_format(path)
    with open(path, "rb") as f:
        head = f.read(4096)
    if not head:
        raise UnreadableDocument("文件是空的（0 字节），没有可读取的内容。")
    if PDF_MAGIC in head[:1024]:
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(OLE2_MAGIC):
        return _ole_format(path)
    if _looks_like_image(head):
        return "image"
    if _looks_like_mhtml(head):
        return "mhtml"
    if _looks_like_html(head):
        return "html"
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(RTF_MAGIC):
        return "rtf"
    if _looks_like_text(head):
        return "text"
    raise UnreadableDocument(
        "无法识别的文件格式：既不是文本、网页（HTML）、Word（.docx/.doc）、WPS 文字、RTF、"
        "OpenDocument 文本（.odt），也不是 PDF 或图片。"
    )


def _pages_folder_format(folder: Path) -> str:
    files = page_files(folder)
    if not files:
        raise UnreadableDocument("这个文件夹里没有文件，没有可读取的页面。")
    for file in files:
        if detect_format(file) != "image":
            raise UnreadableDocument(
                f"文件夹里的“{file.name}”不是图片：作为一份报告的各页，"
                "文件夹里只能有图片文件（PNG、JPG、TIFF、WebP、HEIC 等）。"
            )
    return "image"


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        raise UnreadableDocument("Word 文件已损坏（压缩包无法打开），请重新导出或重新下载该文件。")
    if "word/document.xml" in names:
        return "docx"
    if "mimetype" in names:  # OpenDocument: its first member names the kind
        return _odf_format(path)
    raise UnreadableDocument("这是一个压缩包，但不是 Word（.docx）文档，请解压后再处理其中的文件。")


def _odf_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            mimetype = z.open("mimetype").read(100).strip()
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        raise UnreadableDocument("OpenDocument 文件已损坏（压缩包无法读取），请重新导出该文件。")
    if mimetype in ODF_TEXT:
        return "odt"
    raise UnreadableDocument(
        "这是 OpenDocument 表格、演示文稿或图形文件，不是文字文档（.odt）；"
        "年报请提供文字文档、PDF 或网页。"
    )


def _ole_format(path: Path) -> str:
    """Word 97–2003 ("doc") or WPS Writer ("wps"), by the streams of the compound file. WPS
    writes Word's binary format plus streams of its own (`WpsCustomData`), so a Word file WPS
    wrote counts as "wps" whatever its name. (Not WPS's build number in the document
    properties, KSOProductBuildVer: other programs keep it when they save a file WPS made.)"""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
            fib_flags = _fib_flags(ole) if "WordDocument" in streams else 0
    except Exception:  # olefile raises many kinds on a damaged directory
        raise UnreadableDocument(
            "这是旧版 Office（OLE）文件，但已损坏，无法打开；请重新导出或重新下载该文件。"
        )
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams or fib_flags & FIB_ENCRYPTED:
        raise UnreadableDocument(
            "文件设有打开密码，无法读取；请在 Word 或 WPS 中取消密码后另存，再重试。"
        )
    if "WordDocument" in streams:
        return "wps" if "WpsCustomData" in streams else "doc"
    if "Workbook" in streams or "Book" in streams:
        kind = "Excel 表格（.xls）"
    elif "PowerPoint Document" in streams:
        kind = "PowerPoint 演示文稿（.ppt）"
    else:
        kind = "旧版 Office（OLE）文件"
    raise UnreadableDocument(
        f"这是{kind}，不是 Word 或 WPS 文字文档；年报请提供文字文档、PDF 或网页。"
    )


def _fib_flags(ole: olefile.OleFileIO) -> int:
    with ole.openstream("WordDocument") as stream:
        head = stream.read(12)
    return int.from_bytes(head[10:12], "little") if len(head) == 12 else 0


def _looks_like_image(head: bytes) -> bool:
    """PNG, JPEG, TIFF, GIF, JPEG 2000, WebP, BMP, HEIC or AVIF, by their first bytes."""
    webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    bmp = head[:2] == b"BM" and head[6:10] == b"\x00" * 4  # its reserved fields are zero
    return head.startswith(IMAGE_MAGICS) or webp or bmp or head[4:12] in IMAGE_FTYPS


def _looks_like_mhtml(head: bytes) -> bool:
    """A web archive (.mht/.mhtml): MIME headers declaring multipart/related before the first
    blank line."""
    headers = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].lower()
    return b"mime-version:" in headers and b"multipart/related" in headers


def _looks_like_html(head: bytes) -> bool:
    """A page that starts, after a BOM and white space, with markup, and has an HTML tag
    (doctype, html, head, body, meta or table) in its first KB. In ASCII-compatible bytes
    (UTF-8, GBK, …), or UTF-16 with its BOM."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        head = head[2:].decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1024].lower()
    if not head.startswith(b"<"):
        return False
    return any(tag in head for tag in HTML_TAGS)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    control = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
    return control <= len(head) // 100
