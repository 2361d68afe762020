"""Every error leaves with an `extensions.code`; unexpected ones leave nothing else."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from errors import CatalogError
from schema.limits import LIMIT_CODE

logger = logging.getLogger("catalog")

INTERNAL_MESSAGE = "Internal server error."
SUGGESTION = " Did you mean "


class CodedErrors(SchemaExtension):
    """Give each error its contract code, and mask the ones nobody expected.

    With `suggestions` off, the "Did you mean ...?" hints graphql-core adds to unknown
    fields, arguments, types and input fields are cut: they would spell out a schema
    whose introspection may be off. (Strawberry's `disable_field_suggestions` only
    cuts them from unknown fields.)
    """

    _validation_errors: set[int]

    def __init__(self, *, suggestions: bool = True) -> None:
        self.suggestions = suggestions

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors or []
        self._validation_errors = {id(error) for error in errors}

    def on_operation(self) -> Iterator[None]:
        self._validation_errors = set()
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [self._coded(error) for error in result.errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        message = error.message
        extensions = dict(error.extensions or {})
        if isinstance(original, CatalogError):
            code = original.code
        elif extensions.get("code") == LIMIT_CODE:
            code = LIMIT_CODE
        elif isinstance(error, GraphQLSyntaxError):
            code = "GRAPHQL_PARSE_FAILED"
        elif id(error) in self._validation_errors:
            code = "GRAPHQL_VALIDATION_FAILED"
        elif error.path is None and not _unexpected(original):
            # Variables that do not fit their types fail before any resolver runs.
            code = "BAD_USER_INPUT"
        else:
            code = "INTERNAL_SERVER_ERROR"
            message = INTERNAL_MESSAGE
            request_id = getattr(self.execution_context.context, "request_id", None)
            logger.error(
                "unexpected error in %s (request %s)",
                error.path,
                request_id,
                exc_info=original or error,
            )
            if request_id:
                extensions["requestId"] = request_id
        if not self.suggestions and code in ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"):
            message = message.split(SUGGESTION, 1)[0]
        extensions["code"] = code
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=extensions,
        )


def _unexpected(original: BaseException | None) -> bool:
    """Scalar parsers raise ValueError for bad input; anything else is a bug."""
    return original is not None and not isinstance(original, (ValueError, GraphQLError))
