"""The recogniser's network run on OpenVINO instead of ONNX Runtime.

PaddleOCR's TextRecognition keeps its own pre- and post-processing (resize, normalise, CTC
decoding); only the call into the network is swapped (paddlex's `runner`). Same weights, same
outputs (largest difference 0.0000 on random inputs, in f32); on this machine's Xeon (AVX-512, one
thread) a 48×96 crop took 14 ms instead of 17, a batch of four 12 a crop instead of 20, and a
48×480 line 46 instead of 71.

OpenVINO compiles kernels for every input shape it meets (90 ms the first time for a label,
up to 400 for a page-wide line, cached after), so lines are padded to one of a few widths
(`padded_width`: four to an octave, about twenty in all). The padding is the value paddlex pads
a batch's narrower lines with (0, mid-gray once normalised), so the network sees what it sees in
any batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from paddlex.inference.models.runners.inference_runner import InferenceRunner

WIDTH_STEP = 32  # the narrowest step; the recogniser's input is 96 wide at least


def padded_width(width: int) -> int:
    """`width` rounded up to a multiple of a quarter of the largest power of two not above it,
    and of WIDTH_STEP: at most a third more."""
    step = max(WIDTH_STEP, 1 << (width.bit_length() - 3))
    return -(-width // step) * step


class OpenVinoRunner(InferenceRunner):
    """paddlex's runner interface (`runner(x=[batch])` -> [outputs]) over an OpenVINO model."""

    def __init__(self, onnx: Path):
        import openvino

        core = openvino.Core()
        # One thread: documents run one per worker process, a worker per core (see engine.py).
        self._model = core.compile_model(
            core.read_model(onnx),
            "CPU",
            {
                "INFERENCE_NUM_THREADS": 1,
                "NUM_STREAMS": 1,
                "PERFORMANCE_HINT": "LATENCY",
                "ENABLE_CPU_PINNING": False,
                # On a CPU with bfloat16 units (AMX, AVX-512 BF16) OpenVINO computes in bf16 by
                # default: readings then differ from ONNX Runtime's (a probability off by 0.94).
                "INFERENCE_PRECISION_HINT": "f32",
            },
        )
        self._request = self._model.create_infer_request()

    def __call__(self, x: Any = None, **kwargs: Any) -> list[np.ndarray]:
        batch = kwargs.get("x", x)
        batch = batch[0] if isinstance(batch, (list, tuple)) else batch
        width = batch.shape[-1]
        padded = padded_width(width)
        if padded != width:
            batch = np.pad(batch, [(0, 0)] * (batch.ndim - 1) + [(0, padded - width)])
        outputs = self._request.infer({0: np.ascontiguousarray(batch, dtype=np.float32)})
        return [outputs[self._model.outputs[0]]]

    def close(self) -> None:
        pass
