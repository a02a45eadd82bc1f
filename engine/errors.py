"""The errors a service function may raise; webapp maps each to one HTTP answer once."""


class MotcuaError(Exception):
    """Base class: `message` is shown to the user, in Vietnamese."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class NotFound(MotcuaError):
    """The thing does not exist, or the actor may not know that it exists."""


class Forbidden(MotcuaError):
    """The actor is known but may not do this."""


class Conflict(MotcuaError):
    """Someone else changed the thing first (a task already completed, a stale version)."""


class InvalidInput(MotcuaError):
    """Bad input; `field_errors` maps a field path to its Vietnamese message."""

    def __init__(self, message: str = "Dữ liệu không hợp lệ.", field_errors: dict | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


class Unavailable(MotcuaError):
    """An outside service (a payment provider) did not answer: nothing the user did was wrong,
    and what they asked for can be tried again later."""
