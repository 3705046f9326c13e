"""`nianbao review`: a local web page over the outputs of `nianbao run`.

Standard library only (ThreadingHTTPServer). The routes, all GET except one:

    /                      the page (static/index.html)
    /api/documents         every document under OUT: status, agency, year, counts
    /api/document?id=DOC   one report, its table layout, page sizes and review history
    /api/page?id=DOC&n=N   page N of the document's input file, as PNG
    POST /api/correct      {"id", "table", "row", "col", "text"}: record a correction, rewrite
                           the document's outputs (canonical/review.py), return /api/document

DOC is the document's folder relative to OUT (`2023/report.pdf`). Nothing outside OUT is read
through a URL: DOC must resolve to a folder inside OUT holding report.json, and a page image
comes only from the input file that report names, and only while its sha256 is unchanged.

Other web pages open in the clerk's browser must not reach these routes:
- the Host header must be one of this server's own names (127.0.0.1, localhost, [::1] with its
  port), so a page of another site cannot reach it by a name it controls (DNS rebinding);
- every /api/ request carries the token made at start (header X-Nianbao-Token; for /api/page,
  which <img> loads, also `t=` in the query). On loopback the token is put into the page,
  which only this server's own names can read; on any other address it is printed with the URL;
- a POST with an Origin header must come from this server's own origin.
Each connection has a time-out and their number is capped, so stalled clients cannot pile up
threads; a page image is decoded one frame at a time, and refused above MAX_PAGE_PIXELS.
"""

from __future__ import annotations

import hmac
import io
import ipaddress
import json
import os
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from canonical.review import ReviewError
from canonical.templates import template
from model.files import page_files, sha256_file
from model.report import Report
from outputs.layout import REPORT_NAME
from outputs.lock import OutputBusy, OutputLock
from outputs.review_log import load_review, record_correction
from outputs.run_files import read_report, refresh_run_outputs
from outputs.writers import write_document

STATIC = Path(__file__).resolve().parent / "static"
PDF_RENDER_SCALE = 2.0  # 144 dpi: sharp enough to read a table cell
MAX_IMAGE_SIDE = 2400  # scans are served at most this many pixels on their long side
MAX_PAGE_PIXELS = 200_000_000  # a larger page is refused, not decoded (decompression bombs)
MAX_BODY = 64 * 1024
REQUEST_TIMEOUT = 15.0  # seconds a connection may wait on the client before it is dropped
MAX_CONNECTIONS = 32  # connections handled at once; more are answered 503 at once
RENDERS = threading.BoundedSemaphore(2)  # page images decoded at once (each may take 1 GB)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
TOKEN_HEADER = "X-Nianbao-Token"
TOKEN_META = '<meta name="nianbao-token" content="{}">'


class Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True
    max_connections = MAX_CONNECTIONS

    def __init__(self, out: Path, host: str = "127.0.0.1", port: int = 8765):
        self.out = Path(out).resolve()
        self.write_lock = threading.Lock()  # one correction at a time
        self.token = secrets.token_urlsafe(32)
        self.request_timeout = REQUEST_TIMEOUT
        self.slots = threading.BoundedSemaphore(self.max_connections)
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)
        bound, port = self.server_address[:2]
        self.loopback = _is_loopback(host) and _is_loopback(bound)
        self.allowed_hosts = allowed_hosts(bound, host, port)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{_authority(host, port)}/"

    def process_request(self, request, client_address) -> None:
        """A thread per connection, up to max_connections; past that, 503 at once."""
        if not self.slots.acquire(blocking=False):
            _refuse_busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # the thread did not start: its slot is free again
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def _refuse_busy(request: socket.socket) -> None:
    body = b'{"error": "busy: too many connections"}'
    try:
        request.settimeout(1)  # never hold up the accepting thread
        request.sendall(
            b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
    except OSError:
        pass


def allowed_hosts(bound: str, given: str, port: int) -> frozenset[str] | None:
    """The Host headers this server answers: its loopback names and the address it was given,
    with its port. None (any Host) when it listens on every address (0.0.0.0): its names on
    the network are not known here, and the token is what guards it."""
    if _unspecified(bound):
        return None
    names = {*LOOPBACK_NAMES, bound.lower(), given.lower()}
    hosts = {_authority(name, port) for name in names}
    if port == 80:  # browsers leave a default port out of Host
        hosts |= {_authority(name) for name in names}
    return frozenset(hosts)


def _authority(host: str, port: int | None = None) -> str:
    """`host:port` as in a URL and a Host header: an IPv6 address in brackets."""
    host = f"[{host}]" if ":" in host else host
    return host if port is None else f"{host}:{port}"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _unspecified(host: str) -> bool:
    try:
        return not host or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def banner(server: ReviewServer) -> str:
    """What `nianbao review` prints at start. Off loopback: a warning, and the URL with the
    token (the page is not given it there, since anyone on the network could read the page)."""
    where = f"(outputs in {server.out}; Ctrl+C to stop)"
    if server.loopback:
        return f"复核页面 review page: {server.url}  {where}"
    host = server.server_address[0]
    lines = [
        "!" * 78,
        f"警告：复核页面在 {host} 上开放，不只本机可以访问。任何能访问这个地址的人，只要拿到下面"
        "打印的令牌（网址里的 t=…），就能读取这些年报并修改它们；连接不加密。"
        "只在可信的网络上这样做，用完请按 Ctrl+C 关闭。",
        f"WARNING: the review page is open on {host}, not only on this computer. Anyone who can "
        "reach this address can read the reports and change them with the token printed here "
        "(t=… in the URL); the connection is not encrypted. Do this only on a trusted network, "
        "and stop it with Ctrl+C when done.",
        "!" * 78,
        f"复核页面 review page: {server.url}?t={server.token}  {where}",
    ]
    if _unspecified(host):
        lines.append(f"（把 {host} 换成本机的 IP 地址或名字 use this computer's address there）")
    return "\n".join(lines)


def serve(out: Path, host: str = "127.0.0.1", port: int = 8765) -> int:
    if not Path(out).is_dir():
        print(f"找不到输出文件夹 {out}：请先运行 nianbao run，或用 --out 指定。 No such folder.")
        return 2
    try:
        server = ReviewServer(out, host, port)
    except OSError as e:
        print(f"无法在 {host}:{port} 上启动（{e.strerror or e}），请用 --port 换一个端口。")
        return 2
    print(banner(server), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


# ---- documents under OUT -----------------------------------------------------------------


def doc_dir(out: Path, doc_id: str | None) -> Path:
    """The folder of document `doc_id`; Refused unless it is inside `out` and has a report."""
    if not doc_id or "\x00" in doc_id:
        raise Refused(HTTPStatus.NOT_FOUND, "no such document")
    path = (out / doc_id).resolve()
    report = (path / REPORT_NAME).resolve()  # a symlinked report.json must stay inside too
    if out not in path.parents or out not in report.parents:
        raise Refused(HTTPStatus.FORBIDDEN, "outside the output folder")
    if not report.is_file():
        raise Refused(HTTPStatus.NOT_FOUND, "no such document")
    return path


def list_documents(out: Path) -> list[dict]:
    docs = []
    for dirpath, dirnames, filenames in os.walk(out):  # symlinked folders are not followed
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        path = Path(dirpath) / REPORT_NAME
        if REPORT_NAME in filenames and out in path.resolve().parents:
            try:
                stat = path.stat()
                docs.append(
                    {
                        "id": Path(dirpath).relative_to(out).as_posix(),
                        **_list_entry(path, stat.st_mtime_ns, stat.st_size),
                    }
                )
            except (OSError, ValueError, KeyError):
                continue
    return docs


@lru_cache(maxsize=100_000)
def _list_entry(path: Path, mtime_ns: int, size: int) -> dict:
    """A report's line in the list (read again only when the file changes)."""
    r = read_report(path.parent)
    summary = r.summary
    return {
        "status": r.status,
        "agency": r.agency,
        "year": r.year,
        "format": r.source.format,
        "unsure_cells": summary.unsure_cells if summary else None,
        "failed_checks": summary.failed_checks if summary else None,
        "source_errors": summary.source_errors if summary else None,
        "reviewed": r.review.reviewed_cells if r.review else 0,
        "error": r.error,
    }


def document_payload(out: Path, doc_id: str) -> dict:
    folder = doc_dir(out, doc_id)
    report = read_report(folder)
    tpl = template(report.template)
    layout = {}
    for table_id, table in report.tables.items():
        spec = tpl.table(table_id)
        layout[table_id] = {
            "title": spec.title,
            "columns": [{"id": c.id, "label": c.label} for c in spec.columns],
            "rows": [
                {"id": r.id, "label": spec.label_path(r.id), "columns": list(spec.columns_of(r))}
                for r in spec.rows_of(table.other_layout)
            ],
        }
    return {
        "id": folder.relative_to(out).as_posix(),
        "report": report.model_dump(mode="json"),
        "layout": layout,
        "pages": page_list(report),
        "review": load_review(folder).model_dump(mode="json"),
    }


def refresh_dataset(out: Path, wait: bool = False) -> None:
    """Rewrite the run's documents.csv, dataset.csv/.parquet and summary.html, holding OUT's
    lock. While another nianbao writes to OUT (a run, a watch batch), this is done in the
    background once it has finished: its own rewrite may have read the report before the
    correction."""
    try:
        lock = OutputLock(out, wait=wait)
    except OutputBusy:
        threading.Thread(target=refresh_dataset, args=(out, True), daemon=True).start()
        return
    with lock:
        refresh_run_outputs(out)


# ---- page images --------------------------------------------------------------------------


def source_file(report: Report) -> Path | None:
    """The input file of a PDF or image report, if it is still the file that was read."""
    source = report.source
    if source.format not in ("pdf", "image") or not source.file:
        return None
    path = Path(source.file)
    try:
        stat = path.stat()
    except OSError:
        return None
    if path.is_dir() and source.format == "image":  # a folder of one report's pages
        stat = max((f.stat() for f in path.iterdir()), key=lambda s: s.st_mtime_ns, default=stat)
    elif not path.is_file():
        return None
    if _sha256(str(path), stat.st_mtime_ns, stat.st_size) != source.sha256:
        return None
    return path


@lru_cache(maxsize=256)
def _sha256(path: str, mtime_ns: int, size: int) -> str:
    """sha256_file, remembered while the file's mtime and size stay the same."""
    return sha256_file(Path(path))


def _scanned(report: Report) -> dict[int, int]:
    """The pages read by OCR and the degrees each was turned: their cells' boxes are on the
    page as the OCR read it (turned upright, deskewed)."""
    return {p.page: p.turned for p in report.source.scanned_pages or []}


def page_list(report: Report) -> list[dict]:
    """Each page with the scale of its PNG: PNG pixels per bbox unit (PDF point, image pixel).
    An image page too large to show has an error instead."""
    path = source_file(report)
    if path is None or report.source.sha256 is None:
        return []
    if report.source.format == "pdf":
        return [
            {"n": n, "scale": PDF_RENDER_SCALE} for n in range(1, (report.source.pages or 0) + 1)
        ]
    pages = []
    for n, frame in enumerate(image_frames(str(path), report.source.sha256), start=1):
        problem = frame.problem()
        if problem:
            pages.append({"n": n, "scale": 1.0, "error": problem})
        else:
            pages.append({"n": n, "scale": _image_scale(frame.size)})
    return pages


@dataclass(frozen=True)
class Frame:
    """Where one page of an image document is: a file, and a frame of it (a TIFF's pages)."""

    file: Path
    index: int
    size: tuple[int, int] | None  # None: the file cannot be opened

    def problem(self) -> str | None:
        """Why this page is not shown, in the clerk's words; None if it can be."""
        if self.size is None:
            return f"无法读取页面图像 {self.file.name} (cannot read the page image)"
        width, height = self.size
        if width * height > MAX_PAGE_PIXELS:
            return (
                f"页面图像过大（{width}×{height} 像素），不予显示 "
                f"(page image too large: {width}x{height} pixels)"
            )
        return None


@lru_cache(maxsize=64)
def image_frames(path: str, sha256: str) -> tuple[Frame, ...]:
    """The pages of an image document, as extractors.image.frames numbers them, with their
    sizes read from the files' headers: no pixel data is decoded. `sha256` keys the cache."""
    from PIL import Image

    import extractors.image  # noqa: F401  (PIL opens HEIC photos once it is imported)

    found: list[Frame] = []
    for file in page_files(Path(path)):
        try:
            with Image.open(file) as image:
                found += _frames_of(file, image)
        except (OSError, ValueError, Image.DecompressionBombError):  # the run could not read it
            found.append(Frame(file, 0, None))
    return tuple(found)


def _frames_of(file: Path, image) -> list[Frame]:
    """Each frame's size as extractors.image shows it (turned, its pixels made square)."""
    from extractors.image import shown_size

    if image.format != "TIFF":  # a GIF's or PNG's frames share one size; seeking would decode
        return [Frame(file, i, shown_size(image)) for i in range(getattr(image, "n_frames", 1))]
    sizes = []
    for i in range(image.n_frames):
        image.seek(i)  # reads the frame's header (IFD) only
        sizes.append(Frame(file, i, shown_size(image)))
    return sizes


def _image_scale(size: tuple[int, int]) -> float:
    return min(1.0, MAX_IMAGE_SIDE / max(size))


def page_png(report: Report, number: int) -> bytes:
    path = source_file(report)
    if path is None or report.source.sha256 is None or report.source.format is None:
        raise Refused(HTTPStatus.NOT_FOUND, "this document has no page images")
    turned = _scanned(report)
    return _render(
        str(path),
        report.source.sha256,
        report.source.format,
        number,
        number in turned,
        turned.get(number),
    )


@lru_cache(maxsize=16)
def _render(
    path: str, sha256: str, fmt: str, number: int, scanned: bool, turned: int | None
) -> bytes:
    """Page `number` as PNG. A scanned page is shown as the OCR read it, since its boxes are
    on that page: turned upright and deskewed (ocr.preprocess.upright, the same steps)."""
    import numpy as np
    from PIL import Image

    with RENDERS:
        if fmt == "pdf":
            image = _pdf_page(path, number)
        else:
            image = _image_page(path, sha256, number)
        if scanned:
            from ocr.preprocess import upright

            gray, turns, _, _ = upright(np.asarray(image.convert("L")))
            if turned is not None:  # the rest of the turn was told by the recogniser
                gray = np.rot90(gray, -((turned - 90 * turns) % 360) // 90)
            image = Image.fromarray(np.ascontiguousarray(gray))
        buf = io.BytesIO()
        image.save(buf, "PNG")
        return buf.getvalue()


def _pdf_page(path: str, number: int):
    import pypdfium2 as pdfium

    from extractors.native import PDFIUM

    with PDFIUM:
        document = pdfium.PdfDocument(path)
        try:
            if not 1 <= number <= len(document):
                raise Refused(HTTPStatus.NOT_FOUND, "no such page")
            page = document[number - 1]
            width, height = (round(side * PDF_RENDER_SCALE) for side in page.get_size())
            problem = Frame(Path(path), number - 1, (width, height)).problem()
            if problem:
                raise Refused(HTTPStatus.UNPROCESSABLE_ENTITY, problem)
            return page.render(scale=PDF_RENDER_SCALE).to_pil()
        finally:
            document.close()


def _image_page(path: str, sha256: str, number: int):
    """Page `number` of an image document, in grayscale as extractors.image.frames gives it,
    at most MAX_IMAGE_SIDE pixels on its long side. Only that frame is decoded."""
    from PIL import Image

    from extractors.image import as_shown, shown_size

    frames = image_frames(path, sha256)
    if not 1 <= number <= len(frames):
        raise Refused(HTTPStatus.NOT_FOUND, "no such page")
    frame = frames[number - 1]
    problem = frame.problem()
    if problem or frame.size is None:
        raise Refused(HTTPStatus.UNPROCESSABLE_ENTITY, problem)
    with Image.open(frame.file) as image:
        image.seek(frame.index)
        if shown_size(image) != frame.size:  # the file changed since it was listed
            raise Refused(HTTPStatus.NOT_FOUND, "no such page")
        scale = _image_scale(frame.size)
        size = (round(frame.size[0] * scale), round(frame.size[1] * scale))
        # A JPEG is decoded at a fraction of its size if it can be; its long side may lie
        # either way before it is turned.
        image.draft("L", (max(size), max(size)))
        page = as_shown(image).convert("L")
    if page.size != size:
        page = page.resize(size, Image.Resampling.LANCZOS)
    return page


# ---- HTTP ---------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "nianbao-review"

    def setup(self) -> None:
        self.timeout = self.server.request_timeout  # a stalled client frees its thread
        super().setup()

    def do_GET(self) -> None:
        self._dispatch(
            {
                "/": self._index,
                "/api/documents": self._documents,
                "/api/document": self._document,
                "/api/page": self._page,
                "/favicon.ico": self._favicon,
            }
        )

    def do_POST(self) -> None:
        self._dispatch({"/api/correct": self._correct})

    def _dispatch(self, routes) -> None:
        url = urlsplit(self.path)
        try:
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            self._check_host()
            self._check_token(url.path, query)
            if self.command == "POST":
                self._check_origin()
            route = routes.get(url.path)
            if route is None:
                raise Refused(HTTPStatus.NOT_FOUND, "not found")
            route(query)
        except Refused as e:
            self._error(e.status, str(e))
        except (BrokenPipeError, ConnectionResetError, TimeoutError):  # the client went away
            self.close_connection = True
        except (OSError, ValueError) as e:  # e.g. a report.json being rewritten by hand
            self.log_error("%s: %r", url.path, e)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(e).__name__}: {e}")

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(
            status,
            json.dumps({"error": message}, ensure_ascii=False).encode("utf-8"),
            "application/json; charset=utf-8",
        )

    # ---- who may ask

    def _host(self) -> str:
        hosts = self.headers.get_all("Host") or []
        return hosts[0].strip().lower() if len(hosts) == 1 else ""

    def _check_host(self) -> None:
        """A page from another site may not reach this server by a name it controls (DNS
        rebinding): the Host header must be one of the server's own names, port included."""
        allowed = self.server.allowed_hosts
        host = self._host()
        if not host or (allowed is not None and host not in allowed):
            raise Refused(HTTPStatus.FORBIDDEN, "bad Host header")

    def _check_token(self, path: str, query: dict) -> None:
        """Every /api/ request carries the token; an <img> cannot send headers, so a page
        image may carry it in the query instead."""
        if not path.startswith("/api/"):
            return
        given = self.headers.get(TOKEN_HEADER)
        if given is None and path == "/api/page":
            given = query.get("t")
        if not given or not hmac.compare_digest(given.encode(), self.server.token.encode()):
            raise Refused(
                HTTPStatus.FORBIDDEN,
                "缺少令牌或令牌不对：请打开 nianbao review 启动时打印的网址。"
                " Missing or wrong token: open the URL nianbao review printed.",
            )

    def _check_origin(self) -> None:
        """A change may come only from this server's own page: a browser names the page that
        sends a POST in Origin, and it must be this server's (the Host already checked)."""
        origin = self.headers.get("Origin")
        if origin is not None and origin.strip().lower() != f"http://{self._host()}":
            raise Refused(HTTPStatus.FORBIDDEN, "cross-site request")

    # ---- routes

    def _favicon(self, query) -> None:
        self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")

    def _index(self, query) -> None:
        html = (STATIC / "index.html").read_text(encoding="utf-8")
        if self.server.loopback:  # only this server's own names can read it (_check_host)
            meta = TOKEN_META.format(self.server.token)
            html = html.replace('<meta charset="utf-8">', f'<meta charset="utf-8">\n{meta}', 1)
        self._send(HTTPStatus.OK, html.encode("utf-8"), "text/html; charset=utf-8")

    def _documents(self, query) -> None:
        self._json({"out": str(self.server.out), "documents": list_documents(self.server.out)})

    def _document(self, query) -> None:
        self._json(document_payload(self.server.out, query.get("id")))

    def _page(self, query) -> None:
        report = read_report(doc_dir(self.server.out, query.get("id")))
        try:
            number = int(query.get("n", "1"))
        except ValueError:
            raise Refused(HTTPStatus.NOT_FOUND, "no such page")
        self._send(HTTPStatus.OK, page_png(report, number), "image/png", cache=True)

    def _correct(self, query) -> None:
        if self.headers.get_content_type() != "application/json":  # forms from other sites can't
            raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
        try:
            body = json.loads(self._read_body(self._content_length()) or b"{}")
            doc_id, *args = [str(body[k]) for k in ("id", "table", "row", "col", "text")]
        except (ValueError, KeyError, TypeError):
            raise Refused(HTTPStatus.BAD_REQUEST, "expected id, table, row, col, text")
        out = self.server.out
        folder = doc_dir(out, doc_id)
        with self.server.write_lock:
            try:
                report = record_correction(read_report(folder), folder, *args)
            except ReviewError as e:
                raise Refused(HTTPStatus.BAD_REQUEST, str(e))
            write_document(report, folder)
            refresh_dataset(out)
        self._json(document_payload(out, doc_id))

    # ---- reading and writing

    def _content_length(self) -> int:
        """Content-Length: one plain decimal of at most 6 digits, at most MAX_BODY."""
        values = self.headers.get_all("Content-Length") or []
        if not values:
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
        if len(values) > 1 or not re.fullmatch(r"[0-9]{1,6}", values[0].strip()):
            raise Refused(HTTPStatus.BAD_REQUEST, "bad Content-Length")
        length = int(values[0])
        if length > MAX_BODY:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
        return length

    def _read_body(self, length: int) -> bytes:
        """The body, within the time-out as a whole: a client trickling a byte at a time
        would pass each read's time-out."""
        deadline = time.monotonic() + self.server.request_timeout
        chunks = []
        try:
            while length > 0:
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunk = self.rfile.read1(length)
                if not chunk:
                    raise Refused(HTTPStatus.BAD_REQUEST, "body shorter than Content-Length")
                chunks.append(chunk)
                length -= len(chunk)
        except TimeoutError:
            self.close_connection = True
            raise Refused(HTTPStatus.REQUEST_TIMEOUT, "request body timed out")
        return b"".join(chunks)

    def _json(self, data) -> None:
        self._send(
            HTTPStatus.OK,
            json.dumps(data, ensure_ascii=False).encode("utf-8"),
            "application/json; charset=utf-8",
        )

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, cache=False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "private, max-age=60" if cache else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self'; frame-ancestors 'none'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'",
        )
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code="-", size="-") -> None:  # quiet: refusals and errors only
        if not (isinstance(code, int) and code < 400):
            super().log_request(code, size)
