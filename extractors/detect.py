"""Tell an input's format from its bytes (magic numbers, zip members), never from its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

from model.files import page_files

from .errors import UnreadableDocument

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls / .wps
HTML_TAGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<table")
IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def detect_format(path: Path) -> str:
    """Return "text", "html", "mhtml", "docx", "pdf" or "image", or raise UnreadableDocument.
    A folder (the pages of one report, as the user said) must hold images only."""
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
        raise UnreadableDocument(
            "这是旧版 Word（.doc/.wps）文件，暂不支持；请在 Word 或 WPS 中另存为 .docx 后重试。"
        )
    if head.startswith(IMAGE_MAGICS):
        return "image"
    if _looks_like_mhtml(head):
        return "mhtml"
    if _looks_like_html(head):
        return "html"
    if _looks_like_text(head):
        return "text"
    raise UnreadableDocument(
        "无法识别的文件格式：既不是文本、网页（HTML）、Word（.docx），也不是 PDF 或图片。"
    )


def _pages_folder_format(folder: Path) -> str:
    files = page_files(folder)
    if not files:
        raise UnreadableDocument("这个文件夹里没有文件，没有可读取的页面。")
    for file in files:
        if detect_format(file) != "image":
            raise UnreadableDocument(
                f"文件夹里的“{file.name}”不是图片：作为一份报告的各页，"
                "文件夹里只能有图片文件（PNG、JPG、TIFF）。"
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
    raise UnreadableDocument("这是一个压缩包，但不是 Word（.docx）文档，请解压后再处理其中的文件。")


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
