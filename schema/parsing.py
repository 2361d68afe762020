"""Parse and validate each distinct document once per container."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from functools import lru_cache

from graphql import GraphQLError, parse
from strawberry import extensions
from strawberry.extensions import SchemaExtension

# Clients send the same few documents; a bound keeps hostile ones from growing it.
_parse = lru_cache(maxsize=128)(parse)


class ParseCache(SchemaExtension):
    """Strawberry's ParserCache, except that a document that does not parse is left
    to Strawberry's own parsing step, which reports it like any other request error
    (ParserCache raises it from the extension hook, where it escapes `CodedErrors`).
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            with suppress(GraphQLError):
                context.graphql_document = _parse(context.query, **context.parse_options)
        yield


class ValidationCache(extensions.ValidationCache):
    """Strawberry's ValidationCache, except that it keeps the errors an earlier
    extension already set (the request limits), where Strawberry's overwrites them.
    """

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()
