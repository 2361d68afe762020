"""Persisted documents: the APQ store's bound, and what a request with a hash resolves to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from settings import settings
from web import persisted
from web.persisted import (
    NOT_FOUND_CODE,
    NOT_FOUND_MESSAGE,
    NOT_TRUSTED_CODE,
    AutomaticPersistedQueries,
    Resolved,
    resolve,
    sha256,
)
from web.request import GraphQLRequest
from web.responses import CodedError

TRUSTED = "query ProductNames { products { edges { node { name } } } }"
OTHER = "{ __typename }"


def by_hash(digest: str, query: str | None = None) -> GraphQLRequest:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    return GraphQLRequest(query, None, None, extensions)


@pytest.fixture(autouse=True)
def fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(persisted, "store", AutomaticPersistedQueries(10))


@pytest.fixture
def trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A manifest holding TRUSTED only."""
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(json.dumps({sha256(TRUSTED): TRUSTED}))
    monkeypatch.setattr(settings, "trusted_documents_file", str(manifest))
    persisted.manifest.cache_clear()
    yield
    persisted.manifest.cache_clear()


def test_store_drops_the_least_recently_used_past_its_capacity() -> None:
    store = AutomaticPersistedQueries(2)
    store.put("a", "A")
    store.put("b", "B")
    assert store.get("a") == "A"

    store.put("c", "C")

    assert (store.get("a"), store.get("b"), store.get("c")) == ("A", None, "C")


def test_resolve_unknown_hash_is_persisted_query_not_found() -> None:
    error = resolve(by_hash(sha256(OTHER)), public=True)

    assert isinstance(error, CodedError)
    assert (error.message, error.code) == (NOT_FOUND_MESSAGE, NOT_FOUND_CODE)


def test_resolve_registers_a_verified_text_then_runs_its_hash_alone() -> None:
    registered = resolve(by_hash(sha256(OTHER), OTHER), public=True)
    again = resolve(by_hash(sha256(OTHER)), public=True)

    assert isinstance(registered, Resolved)
    assert isinstance(again, Resolved)
    assert again.query == OTHER
    assert again.request.query == OTHER


def test_resolve_refuses_a_text_that_does_not_match_its_hash() -> None:
    error = resolve(by_hash(sha256(TRUSTED), OTHER), public=True)

    assert isinstance(error, CodedError)
    assert (error.status, error.code) == (400, "BAD_USER_INPUT")
    assert isinstance(resolve(by_hash(sha256(TRUSTED)), public=True), CodedError)


@pytest.mark.parametrize(
    "extension",
    [{"version": 2, "sha256Hash": "0" * 64}, {"version": 1, "sha256Hash": "xyz"}, "hash"],
    ids=["version", "not-hex", "not-an-object"],
)
def test_resolve_refuses_a_malformed_persisted_query(extension: object) -> None:
    request = GraphQLRequest(OTHER, None, None, {"persistedQuery": extension})

    error = resolve(request, public=True)

    assert isinstance(error, CodedError)
    assert error.status == 400


@pytest.mark.usefixtures("trusted")
@pytest.mark.parametrize("mode", ["allow", "require"])
def test_resolve_runs_a_manifest_hash_without_its_text(
    monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setattr(settings, "trusted_documents", mode)

    resolved = resolve(by_hash(sha256(TRUSTED)), public=True)

    assert isinstance(resolved, Resolved)
    assert resolved.query == TRUSTED
    assert resolved.trusted is not None
    assert resolved.trusted.operation_name == "ProductNames"


@pytest.mark.usefixtures("trusted")
def test_resolve_ignores_the_manifest_when_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "trusted_documents", "off")

    error = resolve(by_hash(sha256(TRUSTED)), public=True)

    assert isinstance(error, CodedError)
    assert error.code == NOT_FOUND_CODE


@pytest.mark.usefixtures("trusted")
@pytest.mark.parametrize(
    "request_",
    [
        GraphQLRequest(OTHER, None, None, None),
        by_hash(sha256(OTHER), OTHER),
    ],
    ids=["text", "apq-registration"],
)
def test_resolve_require_refuses_other_documents_on_the_public_route(
    monkeypatch: pytest.MonkeyPatch, request_: GraphQLRequest
) -> None:
    monkeypatch.setattr(settings, "trusted_documents", "require")

    error = resolve(request_, public=True)
    admin = resolve(request_, public=False)

    assert isinstance(error, CodedError)
    assert error.code == NOT_TRUSTED_CODE
    assert isinstance(admin, Resolved)
    assert admin.query == OTHER


@pytest.mark.usefixtures("trusted")
def test_resolve_require_runs_a_trusted_text_sent_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "trusted_documents", "require")

    resolved = resolve(GraphQLRequest(TRUSTED, None, None, None), public=True)

    assert isinstance(resolved, Resolved)
    assert resolved.trusted is not None
