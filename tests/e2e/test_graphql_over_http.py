"""GraphQL over HTTP against `catalog serve`, judged by third-party tools: the spec's
audit (npm `graphql-http`), and real urql and Apollo Client with their default transports.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.cli.conftest import Served
from tests.e2e.conftest import run_node

REPO = Path(__file__).resolve().parents[2]

PUBLIC_CACHE = "public, max-age=60, s-maxage=3600, stale-while-revalidate=300"


@pytest.fixture(scope="module")
def open_server(start_server: Any) -> Served:
    """The local default: persisted queries on, trusted documents off."""
    return start_server()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def require_server(start_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Served:
    """`CATALOG_TRUSTED_DOCUMENTS=require`, with the storefront query as the clients send it."""
    manifest = tmp_path_factory.mktemp("manifest") / "persisted-documents.json"
    manifest.write_text(json.dumps(run_node("clients.mjs", "-", "manifest")))
    return start_server(  # type: ignore[no-any-return]
        CATALOG_TRUSTED_DOCUMENTS="require", CATALOG_TRUSTED_DOCUMENTS_FILE=str(manifest)
    )


@pytest.fixture(scope="module")
def open_steps(open_server: Served) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in run_node("clients.mjs", open_server.url, "open")}


@pytest.fixture(scope="module")
def require_steps(require_server: Served) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in run_node("clients.mjs", require_server.url, "require")}


def statuses(step: dict[str, Any]) -> list[tuple[str, int]]:
    return [(exchange["method"], exchange["status"]) for exchange in step["exchanges"]]


@pytest.mark.parametrize("path", ["/graphql", "/admin/graphql"])
def test_graphql_http_audit_has_no_errors_or_warnings(open_server: Served, path: str) -> None:
    results = run_node("audit.mjs", open_server.url + path)

    failures = [result for result in results if result["status"] in ("error", "warn")]
    assert failures == []
    counts = Counter(result["status"] for result in results)
    # The audit of graphql-http 1.23 has 61 checks: all must have run.
    assert counts["ok"] + counts["notice"] == len(results) >= 61


def test_urql_reads_with_get_and_no_content_type(open_steps: dict[str, Any]) -> None:
    step = open_steps["urql-read"]

    assert step["codes"] == []
    assert step["networkError"] is None
    assert len(step["data"]["products"]["edges"]) == 3
    (exchange,) = step["exchanges"]
    assert (exchange["method"], exchange["requestContentType"]) == ("GET", None)
    assert exchange["cacheControl"] == PUBLIC_CACHE


def test_urql_read_again_is_revalidated_with_a_304(open_steps: dict[str, Any]) -> None:
    step = open_steps["urql-read-again"]

    assert statuses(step) == [("GET", 304)]
    assert step["data"] == open_steps["urql-read"]["data"]


def test_urql_admin_route_reads_uncached_and_writes(open_steps: dict[str, Any]) -> None:
    read, write = open_steps["urql-admin-read"], open_steps["urql-admin-write"]

    assert statuses(read) == [("GET", 200)]
    assert read["exchanges"][0]["cacheControl"] == "no-store"
    assert write["data"]["upsertCategory"]["name"] == "Made by urql"
    assert statuses(write) == [("POST", 200)]


def test_urql_persisted_query_misses_then_hits_by_hash(open_steps: dict[str, Any]) -> None:
    first, second = open_steps["urql-apq-first"], open_steps["urql-apq-second"]

    assert [e["hasQueryText"] for e in first["exchanges"]] == [False, True]
    assert statuses(first) == [("GET", 400), ("GET", 200)]
    assert [(e["hasQueryText"], e["status"]) for e in second["exchanges"]] == [(False, 200)]
    assert second["exchanges"][0]["cacheControl"] == PUBLIC_CACHE
    assert first["data"] == second["data"] == open_steps["urql-read"]["data"]


def test_apollo_persisted_query_link_over_get_misses_then_hits(
    open_steps: dict[str, Any],
) -> None:
    first, second = open_steps["apollo-apq-first"], open_steps["apollo-apq-second"]

    # On a miss, Apollo's link sends the text with POST; the hash alone goes by GET.
    assert statuses(first) == [("GET", 400), ("POST", 200)]
    assert statuses(second) == [("GET", 200)]
    assert second["exchanges"][0]["hasQueryText"] is False
    assert second["exchanges"][0]["cacheControl"] == PUBLIC_CACHE
    assert len(second["data"]["products"]["edges"]) == 50
    assert first["codes"] == second["codes"] == []


def test_apollo_admin_route_reads_and_writes(open_steps: dict[str, Any]) -> None:
    read, write = open_steps["apollo-admin-read"], open_steps["apollo-admin-write"]

    assert len(read["data"]["products"]["edges"]) == 3
    assert write["data"]["upsertCategory"]["name"] == "Made by Apollo"
    assert all(e["cacheControl"] == "no-store" for e in read["exchanges"] + write["exchanges"])


def test_require_runs_the_trusted_query_by_hash(require_steps: dict[str, Any]) -> None:
    for name in ("urql-trusted", "apollo-trusted"):
        step = require_steps[name]

        assert step["codes"] == [], name
        assert len(step["data"]["products"]["edges"]) == 3, name
        assert statuses(step) == [("GET", 200)], name
        assert step["exchanges"][0]["hasQueryText"] is False, name


def test_require_refuses_an_unknown_document(require_steps: dict[str, Any]) -> None:
    for name in ("urql-untrusted", "apollo-untrusted"):
        step = require_steps[name]

        assert step["data"] is None, name
        assert "PERSISTED_QUERY_NOT_IN_LIST" in step["codes"] or "PERSISTED_QUERY_NOT_IN_LIST" in (
            step["networkError"] or ""
        ), name


def test_require_leaves_the_admin_route_free(require_steps: dict[str, Any]) -> None:
    step = require_steps["urql-admin-untrusted"]

    assert step["codes"] == []
    assert len(step["data"]["products"]["edges"]) == 50


def test_clients_hash_the_manifests_documents_to_its_keys() -> None:
    # The manifest is printed by graphql-core; urql and Apollo print with graphql-js's
    # printer (or its copy): the same text, so the hashes they send are the manifest's.
    checks = run_node("clients.mjs", "-", "hashes")

    assert len(checks) == len(list((REPO / "clients" / "operations").glob("*.graphql")))
    assert all(check["urql"] and check["apollo"] for check in checks), checks
