"""Locks for native libraries that are not thread-safe.

PDFium (pypdfium2; camelot also opens PDFs with it) crashes the process when two threads use
it at once; documents run in parallel threads, so every PDFium call holds PDFIUM.
"""

import threading

PDFIUM = threading.RLock()
