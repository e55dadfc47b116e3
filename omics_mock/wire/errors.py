"""Service errors: what a handler raises and what the wire carries.

Every error the service raises is one of the exceptions the model declares
(its error shapes). The pipeline turns it into the ``x-amzn-ErrorType``
header, a ``{"message"}`` body and the HTTP status the model gives that
exception (``ServiceSpec.error_status``), so no status is written here.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A modelled HealthOmics exception; ``code`` is the model's shape name."""

    code = "InternalServerException"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ValidationException(ServiceError):
    code = "ValidationException"


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"


class ConflictException(ServiceError):
    code = "ConflictException"


class ServiceQuotaExceededException(ServiceError):
    code = "ServiceQuotaExceededException"


class ThrottlingException(ServiceError):
    code = "ThrottlingException"


class InternalServerException(ServiceError):
    code = "InternalServerException"


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"


class RequestTimeoutException(ServiceError):
    code = "RequestTimeoutException"


class NotSupportedOperationException(ServiceError):
    code = "NotSupportedOperationException"


class RangeNotSatisfiableException(ServiceError):
    code = "RangeNotSatisfiableException"


class UnknownOperationException(ServiceError):
    """No operation matches the request's method and path (not in the model: 404)."""

    code = "UnknownOperationException"


ERRORS_BY_CODE: dict[str, type[ServiceError]] = {
    cls.code: cls
    for cls in (
        ValidationException,
        ResourceNotFoundException,
        ConflictException,
        ServiceQuotaExceededException,
        ThrottlingException,
        InternalServerException,
        AccessDeniedException,
        RequestTimeoutException,
        NotSupportedOperationException,
        RangeNotSatisfiableException,
    )
}
"""Every exception the omics model declares, by name (a test keeps this equal to the model)."""


def not_implemented(operation: str) -> NotSupportedOperationException:
    """The error for an operation the mock does not simulate."""
    return NotSupportedOperationException(
        f"{operation} is not implemented by omics-mock. "
        "See the omics-mock documentation for the list of supported operations."
    )
