"""Parse and validate each distinct document once per container, within a bound in bytes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

from schema.caches import DOCUMENT_CACHE_BYTES, BoundedCache, document_bytes
from schema.compat import validate_document

# Clients send the same few documents; the bounds keep hostile ones from growing it.
MAX_DOCUMENTS = 128


@dataclass
class CachedDocument:
    """A parsed document, and the schemas and rules it passed validation under."""

    document: DocumentNode
    valid_under: set[tuple[int, tuple[Any, ...]]] = field(default_factory=set)


class DocumentCache:
    """Parsed documents by their text and parse options: at most MAX_DOCUMENTS, and
    `max_bytes` bytes counting the text, its tokens' copies and the nodes (`document_bytes`).
    """

    def __init__(self, max_bytes: int = DOCUMENT_CACHE_BYTES) -> None:
        self._documents: BoundedCache[tuple[str, Any], CachedDocument] = BoundedCache(
            MAX_DOCUMENTS, max_bytes
        )

    def get(self, text: str, options: Mapping[str, Any]) -> CachedDocument | None:
        return self._documents.get((text, _options_key(options)))

    def parsed(self, text: str, options: Mapping[str, Any]) -> CachedDocument:
        """The document of `text` parsed with `options` (the token limit), parsed now if it
        is not kept; raises GraphQLError."""
        key = (text, _options_key(options))
        cached = self._documents.get(key)
        if cached is None:
            document = parse(text, **options)
            cached = CachedDocument(document)
            self._documents.put(key, cached, document_bytes(text, document))
        return cached

    @property
    def bytes(self) -> int:
        return self._documents.bytes

    def clear(self) -> None:
        self._documents.clear()


def _options_key(options: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(options.items()))


documents = DocumentCache()


class ParseCache(SchemaExtension):
    """Strawberry's ParserCache, bounded in bytes, except that a document that does not
    parse is left to Strawberry's own parsing step, which reports it like any other
    request error.

    With ParserCache the syntax error leaves without passing the other extensions'
    `on_operation`, so `CodedErrors` never gives it a code (strawberry-graphql/strawberry
    #1439, closed as fixed; the pre-execution result is still built before the hooks
    finish, as #3968 describes for MaskErrors). tests/unit/test_compat.py fails once
    ParserCache's errors get their code: then use ParserCache, if it is bounded in bytes.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            with suppress(GraphQLError):
                cached = documents.parsed(context.query, context.parse_options)
                context.graphql_document = cached.document
        yield


class ValidationCache(SchemaExtension):
    """Strawberry's ValidationCache, kept with the parsed document: a document that passed
    validation once is not validated again. Unlike Strawberry's, it keeps the errors an
    earlier extension already set (the request limits), where Strawberry's overwrites them
    and the refused document runs (not reported upstream yet; tests/unit/test_compat.py
    shows it), and it costs no memory of its own: a refused document's errors are not kept.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors or document is None:
            yield
            return
        cached = documents.get(context.query, context.parse_options) if context.query else None
        if cached is not None and cached.document is not document:
            cached = None
        rules = (id(context.schema), tuple(context.validation_rules))
        if cached is not None and rules in cached.valid_under:
            context.pre_execution_errors = []
            yield
            return
        errors = validate_document(context.schema._schema, document, context.validation_rules)
        context.pre_execution_errors = errors
        if cached is not None and not errors:
            cached.valid_under.add(rules)
        yield
