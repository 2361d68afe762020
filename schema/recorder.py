"""What the operation of the current request was: its name, type, variables and error codes.

The schema fills in the record the transport opens for each request (web/observability.py
logs it); without an open record it records nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, get_operation_ast
from strawberry.extensions import SchemaExtension

# A log line must not grow with the request: names are chosen by clients.
MAX_LOGGED_VARIABLES = 20
MAX_LOGGED_NAME = 64


@dataclass
class OperationRecord:
    """The GraphQL side of one request, as far as it got."""

    operation_name: str | None = None
    operation_type: str | None = None
    variable_names: list[str] = field(default_factory=list)
    error_codes: list[str] = field(default_factory=list)


current_operation: ContextVar[OperationRecord | None] = ContextVar(
    "catalog_operation", default=None
)


class OperationRecorder(SchemaExtension):
    """Record the operation's name, type, variable names and error codes.

    Listed before `CodedErrors`, so it sees the errors after they got their codes.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        record = current_operation.get()
        if record is None:
            return
        context = self.execution_context
        try:
            record.operation_type = context.operation_type.value
        except RuntimeError:
            record.operation_type = None  # the document did not parse
        record.operation_name = context.operation_name
        record.variable_names = declared_variables(
            context.graphql_document, context.operation_name, context.variables or {}
        )
        result = context.result
        for error in (result.errors if result else None) or []:
            code = (error.extensions or {}).get("code")
            if isinstance(code, str):
                record.error_codes.append(code)


def bounded(name: str | None) -> str | None:
    """A client-chosen name as logged: at most MAX_LOGGED_NAME characters."""
    if name is None or len(name) <= MAX_LOGGED_NAME:
        return name
    return name[: MAX_LOGGED_NAME - 1] + "…"


def declared_variables(
    document: DocumentNode | None, operation_name: str | None, variables: Mapping[str, Any]
) -> list[str]:
    """The names of the variables the request sent that its operation declares, bounded.

    Names only: values may hold anything an admin typed, secrets included. Keys the
    operation does not declare are ignored by GraphQL and are not logged either.
    """
    if document is None:
        return []
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    declared = [node.variable.name.value for node in operation.variable_definitions or ()]
    sent = sorted(name for name in declared if name in variables)
    return [str(bounded(name)) for name in sent[:MAX_LOGGED_VARIABLES]]
