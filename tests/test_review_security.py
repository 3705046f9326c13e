"""`nianbao review` against other sites, stalled clients and oversized input.

Raw requests with http.client and sockets: the Host allow-list (DNS rebinding), the token and
the Origin check, Content-Length limits, time-outs and the connection cap, a 300-page TIFF
rendered one frame at a time, and the warning printed for a non-loopback address.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import SAMPLES, SEED_002
from PIL import Image, TiffImagePlugin

import review.server
from flows.document import process_document
from model.files import sha256_file
from model.report import Report
from outputs.atomic import atomic_write_bytes
from review.server import ReviewServer, banner, serve

DOC = "002.txt"
TIFF = "scan300.tiff"
PDF = "002.pdf"  # the text report's cells, on the sample PDF
FOLDER = "pages"  # a folder of one report's page images
FRAMES = 300
CELL = {"table": "applications", "row": "new_received", "col": "natural_person"}
TIMEOUT = 1.0  # the test servers' request time-out, in seconds


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("review_security")
    out = root / "out"
    process_document(SAMPLES / "text" / f"{SEED_002}.txt", out / DOC, DOC)
    tiff = root / "scan300.tiff"
    write_tiff(tiff)
    scan = json.loads((out / DOC / "report.json").read_text(encoding="utf-8"))
    put_report(out, TIFF, scan, tiff, "image", FRAMES)
    put_report(out, PDF, scan, SAMPLES / "pdf" / f"{SEED_002}.noto-serif-sc.pdf", "pdf", 4)
    folder = root / "pages"
    folder.mkdir()
    Image.new("L", (300, 200), 10).save(folder / "01.png")
    Image.new("L", (120, 90), 20).save(
        folder / "02.tiff", save_all=True, append_images=[Image.new("L", (90, 120), 30)]
    )
    Image.new("RGB", (200, 100), (40, 40, 40)).save(folder / "03.jpg")
    put_report(out, FOLDER, scan, folder, "image", 4)
    return out


def put_report(out: Path, doc: str, report: dict, source: Path, fmt: str, pages: int) -> None:
    """`report` as document `doc`, read from `source`."""
    report = json.loads(json.dumps(report))
    report["source"].update(file=str(source), format=fmt, pages=pages, sha256=sha256_file(source))
    atomic_write_bytes(out / doc / "report.json", Report.model_validate(report).to_json())


def write_tiff(path: Path) -> None:
    """FRAMES pages of 1000x1000 (1 MB each once decoded), the last one 640x480 and grey 77.
    The same white frame is appended again and again, so writing it takes 1 MB, not 300."""
    white = Image.new("L", (1000, 1000), 255)
    last = Image.new("L", (640, 480), 77)
    white.save(
        path,
        save_all=True,
        append_images=[white] * (FRAMES - 2) + [last],
        compression="tiff_adobe_deflate",
    )


def start(server: ReviewServer) -> ReviewServer:
    server.request_timeout = TIMEOUT
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server: ReviewServer) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server(out):
    server = start(ReviewServer(out, "127.0.0.1", 0))
    yield server
    stop(server)


def own_host(server: ReviewServer) -> str:
    return f"127.0.0.1:{server.server_address[1]}"


def request(
    server: ReviewServer,
    method: str,
    path: str,
    headers: dict | None = None,
    body: bytes | None = None,
) -> tuple[int, bytes]:
    """One raw request; the Host is the server's own unless `headers` names another."""
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    try:
        conn.request(method, path, body=body, headers={"Host": own_host(server), **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def token(server: ReviewServer) -> dict:
    return {"X-Nianbao-Token": server.token}


def correction(text: str) -> bytes:
    return json.dumps({"id": DOC, **CELL, "text": text}).encode()


def post_correction(server, text: str, headers: dict) -> int:
    headers = {"Content-Type": "application/json", **headers}
    return request(server, "POST", "/api/correct", headers, correction(text))[0]


def cell_value(out: Path) -> int | None:
    report = json.loads((out / DOC / "report.json").read_text(encoding="utf-8"))
    cells = report["tables"][CELL["table"]]["cells"]
    return next(c["value"] for c in cells if (c["row"], c["col"]) == (CELL["row"], CELL["col"]))


# ---- who may ask ----------------------------------------------------------------------------


def test_a_rebound_host_name_is_refused(server):
    port = server.server_address[1]
    rebound = {"Host": f"127.0.0.1.attacker.example:{port}", **token(server)}
    assert request(server, "GET", "/api/documents", rebound)[0] == 403
    assert request(server, "GET", "/", rebound)[0] == 403  # the page holds the token
    assert post_correction(server, "1", rebound) == 403
    for host in (f"attacker.example:{port}", "127.0.0.1", f"localhost:{port + 1}", ""):
        assert request(server, "GET", "/api/documents", {**token(server), "Host": host})[0] == 403
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        status, body = request(server, "GET", "/api/documents", {**token(server), "Host": host})
        assert status == 200
        assert DOC in {d["id"] for d in json.loads(body)["documents"]}


def test_every_api_request_needs_the_token(server):
    assert request(server, "GET", "/api/documents")[0] == 403
    assert request(server, "GET", "/api/documents", {"X-Nianbao-Token": "wrong"})[0] == 403
    assert request(server, "GET", f"/api/document?id={DOC}")[0] == 403
    assert request(server, "GET", f"/api/document?id={DOC}&t={server.token}")[0] == 403
    assert request(server, "GET", f"/api/page?id={TIFF}&n=1&t=wrong")[0] == 403
    assert request(server, "GET", f"/api/document?id={DOC}", token(server))[0] == 200


def test_the_page_carries_the_token_on_loopback(server):
    status, body = request(server, "GET", "/")
    assert status == 200
    assert f'<meta name="nianbao-token" content="{server.token}">'.encode() in body


def test_a_correction_needs_its_own_origin_and_the_token(server, out):
    before = cell_value(out)
    origin = {"Origin": f"http://{own_host(server)}"}
    assert post_correction(server, "501", {"Origin": "http://attacker.example", **token(server)})
    assert post_correction(server, "502", {"Origin": "null", **token(server)}) == 403
    assert post_correction(server, "503", origin) == 403
    assert post_correction(server, "504", {}) == 403
    assert cell_value(out) == before
    assert post_correction(server, "505", {**origin, **token(server)}) == 200
    assert cell_value(out) == 505
    assert post_correction(server, "506", token(server)) == 200  # no Origin: the token is enough
    assert cell_value(out) == 506


def test_a_cross_site_origin_is_refused(server):
    headers = {"Origin": "http://attacker.example", **token(server)}
    assert post_correction(server, "9", headers) == 403


# ---- what is read ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "length", ["abc", "9" * 60_000, "-1", "1e3", "1_000", "+5", "0x10", "1234567"]
)
def test_a_bad_content_length_is_400_and_the_server_goes_on(server, length):
    headers = {"Content-Type": "application/json", "Content-Length": length, **token(server)}
    assert request(server, "POST", "/api/correct", headers, b"")[0] == 400
    assert request(server, "GET", "/api/documents", token(server))[0] == 200


def test_a_body_over_the_limit_is_413(server):
    headers = {"Content-Type": "application/json", "Content-Length": "999999", **token(server)}
    assert request(server, "POST", "/api/correct", headers, b"")[0] == 413


def connect(server: ReviewServer, data: bytes) -> socket.socket:
    sock = socket.create_connection(server.server_address[:2], timeout=10)
    sock.sendall(data)
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def stalled_body(server: ReviewServer) -> bytes:
    return (
        f"POST /api/correct HTTP/1.1\r\nHost: {own_host(server)}\r\n"
        f"X-Nianbao-Token: {server.token}\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n"
    ).encode()


@pytest.mark.parametrize("kind", ["body", "headers"])
def test_a_stalled_request_is_dropped_after_the_timeout(server, kind):
    threads = threading.active_count()
    started = time.monotonic()
    sent = stalled_body(server) if kind == "body" else b"GET / HTTP/1.1\r\nHost: "
    with connect(server, sent) as sock:
        answer = read_all(sock)  # until the server closes the connection
    assert time.monotonic() - started < TIMEOUT + 3
    if kind == "body":
        assert answer.startswith(b"HTTP/1.0 408 ")
    assert wait_for(lambda: threading.active_count() <= threads)


def test_connections_past_the_cap_are_answered_503(out):
    class Small(ReviewServer):
        max_connections = 2

    small = start(Small(out, "127.0.0.1", 0))
    try:
        stalled = [connect(small, b"GET / HTTP/1.1\r\n") for _ in range(2)]
        # accepted in order: the two stalled connections hold both slots
        assert request(small, "GET", "/api/documents", token(small))[0] == 503
        for sock in stalled:
            sock.close()
        assert wait_for(lambda: request(small, "GET", "/api/documents", token(small))[0] == 200, 5)
    finally:
        stop(small)


# ---- page images ----------------------------------------------------------------------------


def memory_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(l for l in status.splitlines() if l.startswith(field + ":")).split()[1])


def test_a_300_page_tiff_is_read_one_frame_at_a_time(server, monkeypatch):
    def all_frames(path):
        raise AssertionError("every frame decoded")

    decoded = []
    load = TiffImagePlugin.TiffImageFile.load

    def counting_load(image):
        decoded.append(image.tell())
        return load(image)

    monkeypatch.setattr("extractors.image.frames", all_frames)
    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "load", counting_load)
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM: the peak from here on
    before = memory_kb("VmRSS")

    started = time.monotonic()
    status, body = request(server, "GET", f"/api/document?id={TIFF}", token(server))
    assert status == 200
    assert time.monotonic() - started < 5
    pages = json.loads(body)["pages"]
    assert len(pages) == FRAMES and pages[-1] == {"n": FRAMES, "scale": 1.0}
    assert not decoded  # sizes come from the frames' headers

    status, body = request(server, "GET", f"/api/page?id={TIFF}&n={FRAMES}&t={server.token}")
    assert status == 200 and body.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(body))
    assert image.size == (640, 480) and image.getpixel((0, 0)) == 77
    assert set(decoded) == {FRAMES - 1}
    assert request(server, "GET", f"/api/page?id={TIFF}&n={FRAMES + 1}", token(server))[0] == 404
    assert (memory_kb("VmHWM") - before) < 200 * 1024


def test_a_page_over_the_pixel_cap_is_refused_not_decoded(server, monkeypatch):
    monkeypatch.setattr(review.server, "MAX_PAGE_PIXELS", 1000 * 1000 - 1)
    review.server._render.cache_clear()
    try:
        status, body = request(server, "GET", f"/api/document?id={TIFF}", token(server))
        pages = json.loads(body)["pages"]
        assert "too large" in pages[0]["error"] and "error" not in pages[-1]
        status, body = request(server, "GET", f"/api/page?id={quote(TIFF)}&n=1", token(server))
        assert status == 422 and "too large" in json.loads(body)["error"]
        status, body = request(server, "GET", f"/api/page?id={PDF}&n=1", token(server))
        assert status == 422 and "too large" in json.loads(body)["error"]  # 1191x1684 at 144 dpi
    finally:
        review.server._render.cache_clear()


def test_a_folder_of_page_images_is_numbered_as_the_run_read_it(server, out):
    from extractors.image import frames

    report = json.loads((out / FOLDER / "report.json").read_text(encoding="utf-8"))
    sizes = [frame.size for frame in frames(Path(report["source"]["file"]))]
    status, body = request(server, "GET", f"/api/document?id={FOLDER}", token(server))
    assert status == 200 and [p["n"] for p in json.loads(body)["pages"]] == [1, 2, 3, 4]
    for n, (size, grey) in enumerate(zip(sizes, (10, 20, 30, 40)), start=1):
        status, body = request(server, "GET", f"/api/page?id={FOLDER}&n={n}", token(server))
        image = Image.open(io.BytesIO(body))
        assert status == 200 and image.size == size and image.mode == "L"
        assert abs(image.getpixel((5, 5)) - grey) <= 2  # the JPEG's grey may be off by one


# ---- off loopback ---------------------------------------------------------------------------


def test_serving_on_every_address_warns_and_prints_the_token(out, capsys, monkeypatch):
    def interrupted(self, poll_interval=0.5):
        raise KeyboardInterrupt

    monkeypatch.setattr(ReviewServer, "serve_forever", interrupted)
    assert serve(out, "0.0.0.0", 0) == 0
    printed = capsys.readouterr().out
    assert "警告" in printed and "WARNING" in printed
    assert "anyone who can reach this address can read the reports" in printed.lower()
    assert "http://0.0.0.0:" in printed and "/?t=" in printed


def test_off_loopback_the_token_is_only_in_the_printed_url(out):
    wide = start(ReviewServer(out, "0.0.0.0", 0))
    try:
        text = banner(wide)
        assert f"/?t={wide.token}" in text and "WARNING" in text
        status, page = request(wide, "GET", "/", {"Host": "192.0.2.7:8765"})
        assert status == 200 and wide.token.encode() not in page
        lan = {"Host": "192.0.2.7:8765"}
        assert request(wide, "GET", "/api/documents", lan)[0] == 403
        assert request(wide, "GET", "/api/documents", {**lan, **token(wide)})[0] == 200
        cross = {**lan, **token(wide), "Origin": "http://attacker.example"}
        assert post_correction(wide, "7", cross) == 403
    finally:
        stop(wide)


@pytest.mark.browser
def test_off_loopback_the_page_takes_the_token_from_its_url(out):
    from playwright.sync_api import expect, sync_playwright

    wide = start(ReviewServer(out, "0.0.0.0", 0))
    base = f"http://127.0.0.1:{wide.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page()
            page.goto(f"{base}?t={wide.token}#doc={quote(TIFF, safe='')}")
            expect(page.locator("#doc-title")).to_have_text(TIFF)
            # the page image came with the token in its query: it is drawn at its size
            expect(page.locator("#page-svg")).to_have_attribute("viewBox", "0 0 1000 1000")
            assert "t=" not in page.url  # taken out of the address bar, kept for the tab
            page.reload()
            expect(page.locator("#page-svg")).to_have_attribute("viewBox", "0 0 1000 1000")
            fresh = browser.new_page()  # another tab, without the token: the server says so
            fresh.goto(base)
            expect(fresh.locator("p.err")).to_contain_text("Missing or wrong token")
            browser.close()
    finally:
        stop(wide)
