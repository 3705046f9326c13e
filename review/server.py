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
"""

from __future__ import annotations

import io
import json
import os
import threading
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from canonical.review import ReviewError
from canonical.templates import template
from model.files import sha256_file
from model.report import Report
from outputs.layout import REPORT_NAME
from outputs.lock import OutputBusy, OutputLock
from outputs.review_log import load_review, record_correction
from outputs.run_files import read_report, refresh_run_outputs
from outputs.writers import write_document

STATIC = Path(__file__).resolve().parent / "static"
PDF_RENDER_SCALE = 2.0  # 144 dpi: sharp enough to read a table cell
MAX_IMAGE_SIDE = 2400  # scans are served at most this many pixels on their long side
MAX_BODY = 64 * 1024
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, out: Path, host: str = "127.0.0.1", port: int = 8765):
        self.out = Path(out).resolve()
        self.write_lock = threading.Lock()  # one correction at a time
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def serve(out: Path, host: str = "127.0.0.1", port: int = 8765) -> int:
    if not Path(out).is_dir():
        print(f"找不到输出文件夹 {out}：请先运行 nianbao run，或用 --out 指定。 No such folder.")
        return 2
    try:
        server = ReviewServer(out, host, port)
    except OSError as e:
        print(f"无法在 {host}:{port} 上启动（{e.strerror or e}），请用 --port 换一个端口。")
        return 2
    print(
        f"复核页面 review page: {server.url}  (outputs in {server.out}; Ctrl+C to stop)", flush=True
    )
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
    """Each page with the scale of its PNG: PNG pixels per bbox unit (PDF point, image pixel)."""
    path = source_file(report)
    if path is None:
        return []
    if report.source.format == "pdf":
        return [
            {"n": n, "scale": PDF_RENDER_SCALE} for n in range(1, (report.source.pages or 0) + 1)
        ]
    from extractors.image import frames

    sizes = [frame.size for frame in frames(path)]
    return [{"n": n, "scale": _image_scale(size)} for n, size in enumerate(sizes, start=1)]


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

    if fmt == "pdf":
        import pypdfium2 as pdfium

        from extractors.native import PDFIUM

        with PDFIUM:
            document = pdfium.PdfDocument(path)
            try:
                if not 1 <= number <= len(document):
                    raise Refused(HTTPStatus.NOT_FOUND, "no such page")
                image = document[number - 1].render(scale=PDF_RENDER_SCALE).to_pil()
            finally:
                document.close()
    else:
        from extractors.image import frames

        pages = frames(Path(path))  # a file's frames, or a folder's files (one report)
        image = pages[number - 1] if 1 <= number <= len(pages) else None
        if image is None:
            raise Refused(HTTPStatus.NOT_FOUND, "no such page")
        scale = _image_scale(image.size)
        if scale < 1:
            image = image.resize(
                (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS
            )
    if scanned:
        from ocr.preprocess import upright

        gray, turns, _ = upright(np.asarray(image.convert("L")))
        if turned is not None and (turned - 90 * turns) % 360 == 180:  # told by the recogniser
            gray = np.rot90(gray, 2)
        image = Image.fromarray(np.ascontiguousarray(gray))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


# ---- HTTP ---------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "nianbao-review"

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
            self._check_host()
            route = routes.get(url.path)
            if route is None:
                raise Refused(HTTPStatus.NOT_FOUND, "not found")
            route({k: v[-1] for k, v in parse_qs(url.query).items()})
        except Refused as e:
            self._error(e.status, str(e))
        except (BrokenPipeError, ConnectionResetError):  # the browser went elsewhere
            pass
        except (OSError, ValueError) as e:  # e.g. a report.json being rewritten by hand
            self.log_error("%s: %r", url.path, e)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(e).__name__}: {e}")

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(
            status,
            json.dumps({"error": message}, ensure_ascii=False).encode("utf-8"),
            "application/json; charset=utf-8",
        )

    def _check_host(self) -> None:
        """A page from another site may not reach this server by a name it controls
        (DNS rebinding): on loopback, the Host header must be a loopback name."""
        if not _loopback(self.server.server_address[0]):
            return
        if not _loopback(urlsplit("//" + (self.headers.get("Host") or "")).hostname or ""):
            raise Refused(HTTPStatus.FORBIDDEN, "bad Host header")

    def _favicon(self, query) -> None:
        self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")

    def _index(self, query) -> None:
        self._send(HTTPStatus.OK, (STATIC / "index.html").read_bytes(), "text/html; charset=utf-8")

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
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 <= length <= MAX_BODY:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
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
            "default-src 'self'; img-src 'self'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'",
        )
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code="-", size="-") -> None:  # quiet: refusals and errors only
        if not (isinstance(code, int) and code < 400):
            super().log_request(code, size)


def _loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")
