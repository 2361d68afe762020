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
    to Strawberry's own parsing step, which reports it like any other request error.

    With ParserCache the syntax error leaves without passing the other extensions'
    `on_operation`, so `CodedErrors` never gives it a code (strawberry-graphql/strawberry
    #1439, closed as fixed; the pre-execution result is still built before the hooks
    finish, as #3968 describes for MaskErrors). tests/unit/test_compat.py fails once
    ParserCache's errors get their code: then use ParserCache.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            with suppress(GraphQLError):
                context.graphql_document = _parse(context.query, **context.parse_options)
        yield


class ValidationCache(extensions.ValidationCache):
    """Strawberry's ValidationCache, except that it keeps the errors an earlier
    extension already set (the request limits), where Strawberry's overwrites them
    and the refused document runs. Not reported upstream yet; tests/unit/test_compat.py
    fails once Strawberry keeps them: then use its ValidationCache.
    """

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()
