"""The `nianbao` command line (the top layer).

`flows` is imported first: it sets Prefect's settings before anything imports prefect.
"""

import flows  # noqa: F401
