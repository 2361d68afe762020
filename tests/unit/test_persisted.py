"""Persisted documents: the APQ store's bound, and what a request with a hash resolves to."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.client import DEFAULT_SETTINGS
from web.persisted import (
    NOT_FOUND_CODE,
    NOT_FOUND_MESSAGE,
    NOT_TRUSTED_CODE,
    AutomaticPersistedQueries,
    PersistedDocuments,
    Resolved,
    sha256,
)
from web.request import GraphQLRequest
from web.responses import CodedError

Resolver = Callable[..., Resolved | CodedError]
TRUSTED = "query ProductNames { products { edges { node { name } } } }"
OTHER = "{ __typename }"


def by_hash(digest: str, query: str | None = None) -> GraphQLRequest:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    return GraphQLRequest(query, None, None, extensions)


def documents(mode: str = "off", manifest: Path | None = None) -> PersistedDocuments:
    """A container's persisted documents, with trusted documents `mode` over `manifest`."""
    return PersistedDocuments(
        replace(
            DEFAULT_SETTINGS,
            apq_cache_size=10,
            trusted_documents=mode,
            trusted_documents_file=str(manifest) if manifest else None,
        )
    )


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    """A manifest holding TRUSTED only."""
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({sha256(TRUSTED): TRUSTED}))
    return path


@pytest.fixture
def resolve() -> Callable[..., Resolved | CodedError]:
    """A fresh container's resolver, trusted documents off."""
    return documents().resolve


def test_store_drops_the_least_recently_used_past_its_capacity() -> None:
    store = AutomaticPersistedQueries(2)
    store.put("a", "A")
    store.put("b", "B")
    assert store.get("a") == "A"

    store.put("c", "C")

    assert (store.get("a"), store.get("b"), store.get("c")) == ("A", None, "C")


def test_resolve_unknown_hash_is_persisted_query_not_found(resolve: Resolver) -> None:
    error = resolve(by_hash(sha256(OTHER)), public=True)

    assert isinstance(error, CodedError)
    assert (error.message, error.code) == (NOT_FOUND_MESSAGE, NOT_FOUND_CODE)


def test_resolve_registers_a_verified_text_then_runs_its_hash_alone(resolve: Resolver) -> None:
    registered = resolve(by_hash(sha256(OTHER), OTHER), public=True)
    again = resolve(by_hash(sha256(OTHER)), public=True)

    assert isinstance(registered, Resolved)
    assert isinstance(again, Resolved)
    assert again.query == OTHER
    assert again.request.query == OTHER


def test_resolve_refuses_a_text_that_does_not_match_its_hash(resolve: Resolver) -> None:
    error = resolve(by_hash(sha256(TRUSTED), OTHER), public=True)

    assert isinstance(error, CodedError)
    assert (error.status, error.code) == (400, "BAD_USER_INPUT")
    assert isinstance(resolve(by_hash(sha256(TRUSTED)), public=True), CodedError)


@pytest.mark.parametrize(
    "extension",
    [{"version": 2, "sha256Hash": "0" * 64}, {"version": 1, "sha256Hash": "xyz"}, "hash"],
    ids=["version", "not-hex", "not-an-object"],
)
def test_resolve_refuses_a_malformed_persisted_query(resolve: Resolver, extension: object) -> None:
    request = GraphQLRequest(OTHER, None, None, {"persistedQuery": extension})

    error = resolve(request, public=True)

    assert isinstance(error, CodedError)
    assert error.status == 400


@pytest.mark.parametrize("mode", ["allow", "require"])
def test_resolve_runs_a_manifest_hash_without_its_text(manifest: Path, mode: str) -> None:
    resolved = documents(mode, manifest).resolve(by_hash(sha256(TRUSTED)), public=True)

    assert isinstance(resolved, Resolved)
    assert resolved.query == TRUSTED
    assert resolved.trusted is not None
    assert resolved.trusted.operation_name == "ProductNames"


def test_resolve_ignores_the_manifest_when_off(manifest: Path) -> None:
    error = documents("off", manifest).resolve(by_hash(sha256(TRUSTED)), public=True)

    assert isinstance(error, CodedError)
    assert error.code == NOT_FOUND_CODE


@pytest.mark.parametrize(
    "request_",
    [
        GraphQLRequest(OTHER, None, None, None),
        by_hash(sha256(OTHER), OTHER),
    ],
    ids=["text", "apq-registration"],
)
def test_resolve_require_refuses_other_documents_on_the_public_route(
    manifest: Path, request_: GraphQLRequest
) -> None:
    required = documents("require", manifest)

    error = required.resolve(request_, public=True)
    admin = required.resolve(request_, public=False)

    assert isinstance(error, CodedError)
    assert error.code == NOT_TRUSTED_CODE
    assert isinstance(admin, Resolved)
    assert admin.query == OTHER


def test_resolve_require_runs_a_trusted_text_sent_in_full(manifest: Path) -> None:
    resolved = documents("require", manifest).resolve(
        GraphQLRequest(TRUSTED, None, None, None), public=True
    )

    assert isinstance(resolved, Resolved)
    assert resolved.trusted is not None
