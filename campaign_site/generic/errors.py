class DomainError(Exception):
    """A business rule refused the action. The message is shown to the user as is."""

    def __init__(self, message, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


class TransitionNotAllowed(DomainError):
    pass
