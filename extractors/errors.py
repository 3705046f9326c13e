class UnreadableDocument(Exception):
    """The document cannot be processed; the message is shown to the user as is.

    Write it for a clerk: what is wrong with the file and, where possible, what to do.
    `code` is the report's `error_code`: "unreadable" unless the cause is not the file itself
    (extractors/office.py: "converter_missing" when LibreOffice is not installed).
    """

    def __init__(self, message: str, code: str = "unreadable"):
        super().__init__(message)
        self.code = code
