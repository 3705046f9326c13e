"""The scan route: OpenCV page preparation, ruled grids, PP-OCR recognition."""

import cv2

# One OpenCV thread per process, as ONNX Runtime has (engine.py): documents run a worker per
# core, and OpenCV's own pool fought the other worker for it. On a tune draw of 42 scanned
# documents (2 workers, 2 cores): 160 s -> 146 s, median 1.32 -> 1.24 s/page, same readings.
cv2.setNumThreads(1)
