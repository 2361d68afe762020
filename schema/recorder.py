"""What the operation of the current request was: its name, type, variables and error codes.

The schema fills in the record the transport opens for each request (web/observability.py
logs it); without an open record it records nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from strawberry.extensions import SchemaExtension


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
        record.operation_name = context.operation_name
        try:
            record.operation_type = context.operation_type.value
        except RuntimeError:
            record.operation_type = None  # the document did not parse
        # Names only: values may hold anything an admin typed, secrets included.
        record.variable_names = sorted(context.variables or {})
        result = context.result
        for error in (result.errors if result else None) or []:
            code = (error.extensions or {}).get("code")
            if isinstance(code, str):
                record.error_codes.append(code)
