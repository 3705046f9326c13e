"""The `nianbao` command line (the top layer, beside the review page)."""
