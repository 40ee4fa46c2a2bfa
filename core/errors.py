"""The portal's one family of expected errors: each carries a message meant for the user."""


class ApplicationError(Exception):
    """A rule of the portal refused an action; `message` is translated and shown as is."""

    def __init__(self, message, *, field=None, code=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
