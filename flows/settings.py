"""Prefect settings for running on its embedded default: no server to start, nothing sent out.

Imported before prefect itself, since Prefect reads its settings at import time.
"""

import os

DEFAULTS = {
    "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true",  # a temporary local API, started on demand
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",  # slow on a busy 2-core machine
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # telemetry off
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",  # keep the terminal for the progress bar
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
}

for key, value in DEFAULTS.items():
    os.environ.setdefault(key, value)
