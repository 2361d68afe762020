"""The errors a client can be shown; each maps to one `extensions.code`."""

from __future__ import annotations

from typing import Protocol


class CatalogError(Exception):
    """An expected error: its message is for the client, its code is in the contract."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The input field at fault by its GraphQL name, when there is one (a bulk
        # result's `error.field`).
        self.field = field


class BadUserInput(CatalogError):
    """The request's input is invalid; nothing was written."""

    code = "BAD_USER_INPUT"


class NotFound(CatalogError):
    """The item named by the request does not exist."""

    code = "NOT_FOUND"


class Conflict(CatalogError):
    """The item's state forbids the change (version, deletion, references)."""

    code = "CONFLICT"


class Unauthenticated(CatalogError):
    """The request carries no verified identity."""

    code = "UNAUTHENTICATED"


class Forbidden(CatalogError):
    """The caller is known but not allowed to do this."""

    code = "FORBIDDEN"


class ServiceUnavailable(CatalogError):
    """DynamoDB throttled or could not be reached; the client may retry."""

    code = "SERVICE_UNAVAILABLE"


class Versioned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def version(self) -> float: ...


def version_conflict(current: Versioned, expected: int) -> Conflict:
    """The CONFLICT for an `expectedVersion` that is not the stored one."""
    return Conflict(
        f"{type(current).__name__} {current.id} is at version "
        f"{int(current.version)}, not {expected}.",
        field="expectedVersion",
    )
