"""ocr.engine: the real PP-OCRv5 models through PaddleOCR on ONNX Runtime, offline.

Crops are made without system fonts, so the tests run on a bare machine: numbers are drawn with
Pillow's built-in font, and Chinese text is cut from a page of a sample PDF rendered by PDFium
(the PDF embeds its font).
"""

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import engine

pytestmark = pytest.mark.ocr

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "samples" / "pdf" / "000_de4a6e6b343917dd.wqy-zenhei.pdf"
DPI = 300
LABEL = "本机关不掌握相关政府信息"  # page 5 of PDF, as "1.本机关不掌握相关政府信息"
NUMBERS = ["0", "14", "2111", "5098.4139", "96171.6"]


def drawn(text: str, size: int = 28, left: bool = False) -> np.ndarray:
    """A 60x200 white gray-scale cell with the text in Pillow's own font."""
    img = Image.new("L", (200, 60), 255)
    font = ImageFont.load_default(size=size)
    if left:
        ImageDraw.Draw(img).text((8, 30), text, font=font, fill=0, anchor="lm")
    else:
        ImageDraw.Draw(img).text((100, 30), text, font=font, fill=0, anchor="mm")
    return np.array(img)


@cache
def page_image(index: int) -> np.ndarray:
    """Page `index` of PDF rendered at DPI, as BGR."""
    bitmap = pypdfium2.PdfDocument(PDF)[index].render(scale=DPI / 72)
    return np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])


def cut(index: int, text: str) -> np.ndarray:
    """Where `text` is printed on page `index` (a whole word if it is one), in a white margin."""
    with pdfplumber.open(PDF) as pdf:
        page = pdf.pages[index]
        hit = next((w for w in page.extract_words() if w["text"] == text), None)
        hit = hit or page.search(text, regex=False)[0]
    k = DPI / 72
    x0, top, x1, bottom = (round(v * k) for v in (hit["x0"], hit["top"], hit["x1"], hit["bottom"]))
    m = (bottom - top) // 2
    return np.pad(
        page_image(index)[top:bottom, x0:x1], ((m, m), (m, m), (0, 0)), constant_values=255
    )


OFFLINE_SCRIPT = r"""
import json, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[1:] if args and isinstance(args[0], socket.socket) else args)[:200])
    raise OSError("network disabled in this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.getaddrinfo = refuse
socket.create_connection = refuse

import numpy as np
from ocr import engine
crops = [np.load(path) for path in sys.argv[1:]]
readings = engine.get_engine().recognize(crops)
print("RESULT " + json.dumps({"texts": [r.text for r in readings], "attempts": attempts}))
"""


def test_builds_and_reads_with_no_network(tmp_path):
    paths = []
    for name, crop in (("number", drawn("2111")), ("label", cut(4, LABEL))):
        np.save(tmp_path / f"{name}.npy", crop)
        paths.append(str(tmp_path / f"{name}.npy"))
    env = {
        **os.environ,
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "ALL_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
        "HF_HUB_OFFLINE": "1",
        "NIANBAO_MODEL_CACHE": str(tmp_path / "models"),  # model folders assembled afresh, offline
        "HOME": str(tmp_path / "home"),
    }  # nothing cached by an earlier run is used
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        env.pop(name, None)
    run = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT, *paths],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    line = next(l for l in run.stdout.splitlines() if l.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    assert result["attempts"] == []
    assert result["texts"] == ["2111", LABEL]
    assert (tmp_path / "models" / engine.REC_MODEL / "inference.onnx").exists()


@pytest.fixture(scope="module")
def ocr():
    return engine.get_engine()


def test_recognize_reads_numbers_exactly(ocr):
    crops = [drawn(n) for n in NUMBERS] + [drawn(n, size=22, left=True) for n in NUMBERS]
    readings = ocr.recognize(crops)
    assert [r.text for r in readings] == NUMBERS * 2
    assert all(0.9 < r.score <= 1.0 for r in readings)


def test_recognize_reads_numbers_cut_from_a_rendered_page(ocr):
    numbers = ["0", "14", "2111", "5098.4139"]  # all printed on page 4 of PDF
    readings = ocr.recognize([cut(3, n) for n in numbers])
    assert [r.text for r in readings] == numbers


def test_recognize_edge_cases(ocr):
    assert ocr.recognize([]) == []
    blank = np.full((60, 200), 255, np.uint8)
    rgba = np.dstack(
        [np.repeat(drawn("14")[:, :, None], 3, axis=2), np.full((60, 200), 255, np.uint8)]
    )
    assert [r.text for r in ocr.recognize([blank, rgba])] == ["", "14"]


def test_read_page_finds_and_reads_lines(ocr):
    page = page_image(3)
    strip = page[1850:2000]  # the row 行政事业性收费 | 5098.4139 of table 二 (at 300 dpi)
    lines = ocr.read_page(strip)
    texts = [line.text for line in lines]
    assert "行政事业性收费" in texts and "5098.4139" in texts
    number = lines[texts.index("5098.4139")]
    x0, y0, x1, y1 = number.box
    assert 0 <= x0 < x1 <= strip.shape[1] and 0 <= y0 < y1 <= strip.shape[0]
    assert x0 > 600 and number.score > 0.9


def test_recognize_keeps_order_across_padded_widths(ocr):
    """Short crops are read in batches of one padded width (REC_MIN_WIDTH), longer ones alone:
    each reading still goes back to its own crop."""
    texts = ["2111", "0", "96171.6", "14", "5098.4139", "0", "14", "2111"]
    crops = [drawn(t) for t in texts] + [cut(4, LABEL)]
    widths = {engine._padded_to_min_width(engine.tighten(engine._bgr(c))) for c in crops}
    assert widths == {True, False}  # both kinds are in the mix
    assert [r.text for r in ocr.recognize(crops)] == [*texts, LABEL]


def test_tighten_keeps_faint_print_beside_a_black_speck():
    """A scan's faint "3542" (gray 150 on 225) with a black speck above it: taken as the ink's
    level, the speck left the lighter print out, and the crop cut the "3" off ("1542")."""
    faint = np.where(drawn("3542") < 128, 150, 225).astype(np.uint8)
    faint[8:12, 120:124] = 0
    ink_columns = np.nonzero((faint == 150).any(axis=0))[0]
    tight = engine.tighten(engine._bgr(faint))[..., 0]
    kept = np.nonzero((tight == 150).any(axis=0))[0]
    assert kept.size and kept[-1] - kept[0] == ink_columns[-1] - ink_columns[0]


def test_the_recogniser_runs_on_openvino_with_the_same_outputs(ocr):
    """ocr/openvino_runner.py swaps only the call into the network: on a batch of crops (as
    paddlex prepares them) its outputs are ONNX Runtime's on the same weights, and a line
    padded to a wider shape reads the same text."""
    from paddlex.inference.models.runners.onnxruntime_runner import ONNXRuntimeRunner

    from ocr.openvino_runner import OpenVinoRunner, padded_width

    predictor = ocr._rec.paddlex_predictor
    assert isinstance(predictor.runner, OpenVinoRunner)
    onnx_runtime = ONNXRuntimeRunner(engine.model_cache_dir() / engine.REC_MODEL, "inference")
    crops = [engine.tighten(engine._bgr(drawn(n))) for n in NUMBERS[:4]]
    (batch,) = predictor.pre_tfs["ToBatch"](imgs=predictor.pre_tfs["ReisizeNorm"](imgs=crops))
    batch = batch[..., :192]  # a width not padded
    assert padded_width(192) == 192 and padded_width(193) == 224 and padded_width(2049) == 2560
    (ours,), (theirs,) = predictor.runner(x=[batch]), onnx_runtime(x=[batch])
    assert np.abs(ours - theirs).max() < 1e-3
    label = cut(4, LABEL)
    assert engine.is_wide_line(label)
    assert [r.text for r in ocr.recognize([label])] == [LABEL]
