"""Persisted documents: Apollo's automatic persisted queries, and the trusted-documents manifest.

Automatic persisted queries (APQ, Apollo's protocol, which urql's persisted exchange
speaks too): a client sends `extensions.persistedQuery.sha256Hash` alone; a known
hash runs, an unknown one is answered `PersistedQueryNotFound` so the client sends
the text with it, which is verified against the hash and remembered. GETs of a hash
are short enough to be cached by URL.

Trusted documents: `web/persisted-documents.json`, written by `make clients`,
maps the SHA-256 of each operation the generated clients send to its text. With
`CATALOG_TRUSTED_DOCUMENTS=allow` its hashes run without their text; with `require`
the public route runs nothing else, so a scraper or attacker cannot send the costly
documents the limits would otherwise have to judge.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from graphql import OperationDefinitionNode, parse

from schema.caches import APQ_CACHE_BYTES, BoundedCache, text_bytes
from settings import Settings
from web.request import PERSISTED_QUERY, GraphQLRequest
from web.responses import CodedError

NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
NOT_TRUSTED_CODE = "PERSISTED_QUERY_NOT_IN_LIST"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Written by `make clients` beside this module, and packaged with it.
MANIFEST_NAME = "persisted-documents.json"


def sha256(text: str) -> str:
    """The hex SHA-256 of a document's UTF-8 text, as APQ and the manifest key it."""
    return hashlib.sha256(text.encode()).hexdigest()


class AutomaticPersistedQueries:
    """The documents clients registered by hash, the least recently used dropped past
    `capacity` documents or `max_bytes` bytes of text (counted as CPython holds it).

    Per container and in memory: a new container starts empty and each client
    registers again on its first miss, one extra round trip.
    """

    def __init__(self, capacity: int, max_bytes: int = APQ_CACHE_BYTES) -> None:
        self.capacity = capacity
        self._documents: BoundedCache[str, str] = BoundedCache(capacity, max_bytes)

    def get(self, digest: str) -> str | None:
        return self._documents.get(digest)

    def put(self, digest: str, text: str) -> None:
        self._documents.put(digest, text, text_bytes(digest) + text_bytes(text))

    @property
    def bytes(self) -> int:
        """What the stored documents cost, in bytes."""
        return self._documents.bytes


@dataclass(frozen=True)
class TrustedDocument:
    """A document of the manifest, and the name of its operation (a metric dimension)."""

    text: str
    operation_name: str


def read_manifest(path: str | None) -> dict[str, TrustedDocument]:
    """The trusted documents of the manifest at `path`, or of the one packaged with the code."""
    if path is None:
        text = resources.files("web").joinpath(MANIFEST_NAME).read_text()
    else:
        text = Path(path).read_text()
    documents = json.loads(text)
    return {
        digest: TrustedDocument(text, _operation_name(text)) for digest, text in documents.items()
    }


def _operation_name(text: str) -> str:
    names = [
        definition.name.value
        for definition in parse(text).definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name
    ]
    return names[0] if len(names) == 1 else "anonymous"


@dataclass(frozen=True)
class Resolved:
    """A request with its document's text, and the manifest's entry if it is a trusted one."""

    request: GraphQLRequest
    query: str
    trusted: TrustedDocument | None


class PersistedDocuments:
    """The documents a request may name by hash: APQ's, and the trusted manifest's.

    The manifest is read only with trusted documents on, when this is built: a missing
    or broken manifest fails the cold start, not every request after it.
    """

    def __init__(self, settings: Settings) -> None:
        self.mode = settings.trusted_documents
        self.apq = AutomaticPersistedQueries(settings.apq_cache_size)
        self.trusted = read_manifest(settings.trusted_documents_file) if self.mode != "off" else {}

    def resolve(self, request: GraphQLRequest, *, public: bool) -> Resolved | CodedError:
        """The document a request runs, or the error that refuses it before any resolver.

        `require` binds only the public route: admins' tools send documents of their own.
        """
        required = public and self.mode == "require"
        persisted = (request.extensions or {}).get(PERSISTED_QUERY)
        if persisted is None:
            if request.query is None:
                raise AssertionError("web.request lets no request without query or hash through")
            document = self.trusted.get(sha256(request.query)) if self.trusted else None
            if required and document is None:
                return _not_trusted()
            return Resolved(request, request.query, document)
        digest = _digest(persisted)
        if isinstance(digest, CodedError):
            return digest
        return self._by_hash(request, digest, required=required)

    def _by_hash(
        self, request: GraphQLRequest, digest: str, *, required: bool
    ) -> Resolved | CodedError:
        """A request naming its document by hash: registering its text, or finding it."""
        document = self.trusted.get(digest)
        if request.query is not None:
            if sha256(request.query) != digest:
                return CodedError(
                    "The query's SHA-256 does not match `persistedQuery.sha256Hash`.", 400
                )
            if required and document is None:
                return _not_trusted()
            if document is None:
                self.apq.put(digest, request.query)
            return Resolved(request, request.query, document)
        if document is not None:
            return Resolved(replace(request, query=document.text), document.text, document)
        text = None if required else self.apq.get(digest)
        if text is None:
            return CodedError(NOT_FOUND_MESSAGE, 400, NOT_FOUND_CODE, document_error=True)
        return Resolved(replace(request, query=text), text, None)


def _digest(persisted: object) -> str | CodedError:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        return CodedError("`persistedQuery` must be an object with `version` 1.", 400)
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.match(digest):
        return CodedError("`persistedQuery.sha256Hash` must be a hex SHA-256.", 400)
    return digest


def _not_trusted() -> CodedError:
    return CodedError(
        "This endpoint runs only the operations of the published clients; "
        "send a known `persistedQuery.sha256Hash`.",
        400,
        NOT_TRUSTED_CODE,
        document_error=True,
    )
