"""`nianbao review`: a local web page to check and correct the outputs of `nianbao run`."""
