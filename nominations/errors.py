"""The error the nomination services and reads raise when a nomination's state refuses a request."""

from django.core.exceptions import ValidationError


class NominationError(ValidationError):
    """A request the nomination's state does not allow (voting closed, withdrawn, ...)."""
