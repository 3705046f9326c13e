class UnreadableDocument(Exception):
    """The document cannot be processed; the message is shown to the user as is.

    Write it for a clerk: what is wrong with the file and, where possible, what to do.
    """
