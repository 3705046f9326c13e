"""Orchestration: the stages of one document, the Prefect flow over many, resuming, watching.

Prefect reads its settings when it is imported, so they are set here, before any module of
this package (or a caller of it) imports prefect.
"""

from . import settings  # noqa: F401
