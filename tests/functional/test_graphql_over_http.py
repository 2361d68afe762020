"""GraphQL over HTTP on recorded API Gateway events: negotiation, status codes, GET,
persisted documents, HTTP caching and gzip, on both routes and both event formats.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from cli.documents import MANIFEST
from tests.catalog import create_product
from tests.client import FORMATS, ApiClient, Response, drop_header, handler_for, http_event
from tests.functional.conftest import CallRecorder
from web.persisted import sha256

pytestmark = pytest.mark.parametrize("backend", ["moto"], indirect=True)

GRAPHQL_RESPONSE = "application/graphql-response+json"
LIST = "query List { products { edges { node { name } } } }"
# What urql's and Apollo Client's default fetch transports send as Accept.
URQL_ACCEPT = (
    "application/graphql-response+json, application/graphql+json, application/json, "
    "text/event-stream, multipart/mixed"
)
APOLLO_ACCEPT = "application/graphql-response+json,application/json;q=0.9"
# An answer over a KiB whatever the catalog holds.
TYPES = "{ __schema { types { name kind description } } }"
PUBLIC_CACHE = "public, max-age=60, s-maxage=3600, stale-while-revalidate=300"


@pytest.fixture(params=FORMATS)
def http(request: pytest.FixtureRequest, dynamodb_calls: CallRecorder) -> ApiClient:
    """The handler through one API Gateway event format, on an empty moto catalog."""
    return ApiClient(request.param)


@pytest.fixture(autouse=True)
def fresh_persisted_queries() -> None:
    """Each test's handlers start with no registered queries, as a new container does."""
    handler_for.cache_clear()


def post(http: ApiClient, body: object, *, admin_route: bool = False, **headers: str) -> Response:
    text = body if isinstance(body, str) else json.dumps(body)
    return http.raw(http_event(http, "POST", text, admin_route=admin_route, **headers))


def get(
    http: ApiClient, params: dict[str, str], *, admin_route: bool = False, **headers: str
) -> Response:
    """A GET as urql and Apollo send it: parameters in the URL, no content type."""
    event = http_event(http, "GET", "", query=urlencode(params), admin_route=admin_route, **headers)
    return http.raw(drop_header(event, "content-type"))


def hashed(query: str) -> dict[str, str]:
    return {"persistedQuery": json.dumps({"version": 1, "sha256Hash": sha256(query)})}


# Content negotiation


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (URQL_ACCEPT, GRAPHQL_RESPONSE),
        (APOLLO_ACCEPT, GRAPHQL_RESPONSE),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
    ],
)
def test_answer_has_the_media_type_the_client_prefers(
    http: ApiClient, accept: str, media_type: str
) -> None:
    response = post(http, {"query": LIST}, accept=accept)

    assert response.status == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.data == {"products": {"edges": []}}
    assert response.headers["vary"] == "Accept, Accept-Encoding"


def test_no_accept_header_is_answered_as_legacy_json(http: ApiClient) -> None:
    event = drop_header(http_event(http, "POST", json.dumps({"query": LIST})), "accept")

    response = http.raw(event)

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("admin_route", [False, True], ids=["public", "admin"])
def test_unacceptable_media_type_is_406(
    http: ApiClient, dynamodb_calls: CallRecorder, admin_route: bool
) -> None:
    response = post(http, {"query": LIST}, admin_route=admin_route, accept="text/plain")

    assert response.status == 406
    assert response.codes == ["BAD_USER_INPUT"]
    assert dynamodb_calls.calls == []


# Status codes and the `data` entry


REQUEST_ERRORS = {
    "parse": ({"query": "{ products {"}, "GRAPHQL_PARSE_FAILED"),
    "validation": ({"query": "{ products { nope } }"}, "GRAPHQL_VALIDATION_FAILED"),
    "variables": (
        {"query": "query($id: ID!) { product(id: $id) { name } }"},
        "BAD_USER_INPUT",
    ),
    "limits": (
        {"query": "{ " + " ".join(f"a{n}: __typename" for n in range(20)) + " }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
}


@pytest.mark.parametrize("admin_route", [False, True], ids=["public", "admin"])
@pytest.mark.parametrize(("accept", "status"), [(GRAPHQL_RESPONSE, 400), ("application/json", 200)])
@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS)
def test_request_error_has_no_data_and_the_status_of_its_media_type(
    http: ApiClient,
    dynamodb_calls: CallRecorder,
    body: dict[str, str],
    code: str,
    accept: str,
    status: int,
    admin_route: bool,
) -> None:
    response = post(http, body, admin_route=admin_route, accept=accept)

    assert response.status == status
    assert "data" not in response.body
    assert code in response.codes
    assert dynamodb_calls.calls == []


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
def test_field_error_keeps_data_and_a_200(http: ApiClient, accept: str) -> None:
    response = post(http, {"query": '{ product(id: "not an id") { name } }'}, accept=accept)

    assert response.status == 200
    assert response.body["data"] == {"product": None}
    assert response.codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("body", "message"),
    [("{ not json", "not valid JSON"), ('{"query": "{ a }", "variables": []}', "`variables`")],
    ids=["json", "variables"],
)
def test_malformed_request_is_400_under_either_media_type(
    http: ApiClient, body: str, message: str
) -> None:
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = post(http, body, accept=accept)

        assert response.status == 400
        assert message in response.errors[0]["message"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_post_that_is_not_json_is_415(
    http: ApiClient, dynamodb_calls: CallRecorder, content_type: str | None
) -> None:
    event = http_event(http, "POST", json.dumps({"query": LIST}))
    event = drop_header(event, "content-type")
    if content_type is not None:
        event = http_event(
            http, "POST", json.dumps({"query": LIST}), **{"content-type": content_type}
        )

    response = http.raw(event)

    assert response.status == 415
    assert response.codes == ["BAD_USER_INPUT"]
    assert dynamodb_calls.calls == []


@pytest.mark.parametrize("admin_route", [False, True], ids=["public", "admin"])
def test_mutation_over_get_is_405_allowing_post(
    http: ApiClient, dynamodb_calls: CallRecorder, admin_route: bool
) -> None:
    mutation = 'mutation { deleteProduct(id: "p1") { id } }'

    response = get(http, {"query": mutation}, admin_route=admin_route, accept=GRAPHQL_RESPONSE)

    assert response.status == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["cache-control"] == "no-store"
    assert response.codes == ["BAD_USER_INPUT"]
    assert dynamodb_calls.calls == []


def test_other_method_is_405_allowing_get_and_post(http: ApiClient) -> None:
    response = http.raw(http_event(http, "PUT", json.dumps({"query": LIST})))

    assert response.status == 405
    assert response.headers["allow"] == "GET, POST"


# GET, as urql and Apollo Client send queries by default


@pytest.mark.parametrize("accept", [URQL_ACCEPT, APOLLO_ACCEPT])
@pytest.mark.parametrize("admin_route", [False, True], ids=["public", "admin"])
def test_get_query_without_a_content_type_is_answered(
    http: ApiClient, accept: str, admin_route: bool
) -> None:
    params = {"query": LIST, "operationName": "List", "variables": "{}"}

    response = get(http, params, admin_route=admin_route, accept=accept)

    assert response.status == 200
    assert response.data == {"products": {"edges": []}}


# HTTP caching


def test_public_get_is_cacheable_with_a_strong_etag(http: ApiClient) -> None:
    response = get(http, {"query": LIST})

    assert response.status == 200
    assert response.headers["cache-control"] == PUBLIC_CACHE
    assert response.headers["vary"] == "Accept, Accept-Encoding"
    assert response.headers["etag"].startswith('"')
    assert response.headers["etag"].endswith('"')


def test_public_get_with_the_etag_is_304_without_a_body(
    http: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    create_product(http)
    first = get(http, {"query": LIST})
    dynamodb_calls.reset()

    response = get(http, {"query": LIST}, **{"if-none-match": first.headers["etag"]})

    assert response.status == 304
    assert response.body == {}
    assert response.headers["etag"] == first.headers["etag"]
    assert response.headers["cache-control"] == PUBLIC_CACHE
    # The answer is computed to know whether it changed: one Query, as for a 200.
    assert dynamodb_calls.counts == {"Query": 1}


def test_public_get_after_a_change_is_200_with_a_new_etag(http: ApiClient) -> None:
    first = get(http, {"query": LIST})
    create_product(http)

    response = get(http, {"query": LIST}, **{"if-none-match": first.headers["etag"]})

    assert response.status == 200
    assert response.headers["etag"] != first.headers["etag"]
    assert len(response.data["products"]["edges"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"query": '{ product(id: "not an id") { name } }'},
        {"query": "{ products { nope } }"},
        {"query": LIST.replace("products", "products(includeDeleted: true)")},
    ],
    ids=["field-error", "validation-error", "include-deleted"],
)
def test_public_get_with_errors_is_never_stored(http: ApiClient, params: dict[str, str]) -> None:
    response = get(http, params)

    assert response.errors
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def test_admin_get_is_never_stored(http: ApiClient) -> None:
    response = get(http, {"query": LIST}, admin_route=True)

    assert response.status == 200
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def test_public_post_is_never_stored(http: ApiClient) -> None:
    response = post(http, {"query": LIST})

    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def test_cache_lifetimes_are_settings(http: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOG_CACHE_MAX_AGE", "5")
    monkeypatch.setenv("CATALOG_CACHE_STALE_WHILE_REVALIDATE", "7")
    monkeypatch.setenv("CATALOG_CACHE_SHARED_MAX_AGE", "900")

    response = get(http, {"query": LIST})

    expected = "public, max-age=5, s-maxage=900, stale-while-revalidate=7"
    assert response.headers["cache-control"] == expected


# Compression


def test_large_answer_is_gzip_and_base64_for_api_gateway(http: ApiClient) -> None:
    plain = post(http, {"query": TYPES}, **{"accept-encoding": "identity"})

    response = post(http, {"query": TYPES}, **{"accept-encoding": "gzip, deflate, br"})

    assert len(json.dumps(plain.body)) > 1024
    assert "content-encoding" not in plain.headers
    assert not plain.base64_encoded
    assert response.headers["content-encoding"] == "gzip"
    assert response.base64_encoded
    assert response.body == plain.body


def test_small_answer_is_not_compressed(http: ApiClient) -> None:
    response = post(http, {"query": LIST}, **{"accept-encoding": "gzip"})

    assert "content-encoding" not in response.headers
    assert not response.base64_encoded


def test_gzip_answer_has_its_own_etag_and_revalidates(http: ApiClient) -> None:
    plain = get(http, {"query": TYPES}, **{"accept-encoding": "identity"})
    gzipped = get(http, {"query": TYPES}, **{"accept-encoding": "gzip"})

    again = get(
        http,
        {"query": TYPES},
        **{"accept-encoding": "gzip", "if-none-match": gzipped.headers["etag"]},
    )

    assert gzipped.headers["etag"] != plain.headers["etag"]
    assert again.status == 304
    assert again.headers["etag"] == gzipped.headers["etag"]


# Automatic persisted queries


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_apq_miss_then_registration_then_hit(
    http: ApiClient, dynamodb_calls: CallRecorder, method: str
) -> None:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(LIST)}}

    def send(query: str | None) -> Response:
        if method == "GET":
            params = {"extensions": json.dumps(extensions), "operationName": "List"}
            return get(http, {**params, "query": query} if query else params)
        return post(http, {"extensions": extensions, "query": query, "operationName": "List"})

    miss = send(None)
    calls_after_miss = list(dynamodb_calls.calls)
    registered = send(LIST)
    hit = send(None)

    assert miss.status == 200
    assert miss.errors[0]["message"] == "PersistedQueryNotFound"
    assert miss.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert "data" not in miss.body
    assert calls_after_miss == []
    assert registered.data == hit.data == {"products": {"edges": []}}


def test_apq_miss_is_400_under_graphql_response_json(http: ApiClient) -> None:
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha256(LIST)}})

    response = get(http, {"extensions": extensions}, accept=APOLLO_ACCEPT)

    assert response.status == 400
    assert response.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert response.headers["cache-control"] == "no-store"


def test_apq_hash_that_does_not_match_the_text_is_refused(
    http: ApiClient, dynamodb_calls: CallRecorder
) -> None:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256("{ __typename }")}}

    response = post(http, {"query": LIST, "extensions": extensions})
    hit = post(http, {"extensions": extensions})

    assert response.status == 400
    assert response.codes == ["BAD_USER_INPUT"]
    assert hit.codes == ["PERSISTED_QUERY_NOT_FOUND"]
    assert dynamodb_calls.calls == []


# Trusted documents


@pytest.fixture
def require_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`CATALOG_TRUSTED_DOCUMENTS=require` with a manifest of LIST only."""
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(json.dumps({sha256(LIST): LIST}))
    monkeypatch.setenv("CATALOG_TRUSTED_DOCUMENTS_FILE", str(manifest))
    monkeypatch.setenv("CATALOG_TRUSTED_DOCUMENTS", "require")


@pytest.mark.usefixtures("require_trusted")
def test_trusted_hash_runs_without_its_text_and_is_cacheable(http: ApiClient) -> None:
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha256(LIST)}})

    response = get(http, {"extensions": extensions, "operationName": "List"})

    assert response.status == 200
    assert response.data == {"products": {"edges": []}}
    assert response.headers["cache-control"] == PUBLIC_CACHE


@pytest.mark.usefixtures("require_trusted")
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
def test_require_refuses_an_unknown_document_without_a_dynamodb_call(
    http: ApiClient, dynamodb_calls: CallRecorder, accept: str
) -> None:
    response = post(http, {"query": "{ products { edges { cursor } } }"}, accept=accept)

    assert response.status == (400 if accept == GRAPHQL_RESPONSE else 200)
    assert response.codes == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert "data" not in response.body
    assert dynamodb_calls.calls == []


@pytest.mark.usefixtures("require_trusted")
def test_require_leaves_the_admin_route_free(http: ApiClient) -> None:
    response = post(http, {"query": "{ products { edges { cursor } } }"}, admin_route=True)

    assert response.status == 200
    assert response.data == {"products": {"edges": []}}


def test_require_runs_the_published_clients_documents_by_hash(
    http: ApiClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the committed manifest, required, and a product to show
    monkeypatch.setenv("CATALOG_TRUSTED_DOCUMENTS", "require")
    product = create_product(http, name="Trusted")
    documents = json.loads(MANIFEST.read_text())
    digest = next(key for key, text in documents.items() if "query ProductPage" in text)
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    capsys.readouterr()

    # WHEN the storefront sends the product page by hash alone
    response = get(
        http, {"extensions": json.dumps(extensions), "variables": json.dumps({"id": product["id"]})}
    )

    # THEN it runs, and its metrics name it as the manifest does
    assert response.status == 200
    assert response.data["product"]["name"] == "Trusted"
    metrics = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    assert [m["operation"] for m in metrics if "Requests" in m] == ["ProductPage"]


def test_trusted_documents_put_other_operations_in_one_metric_dimension(
    http: ApiClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CATALOG_TRUSTED_DOCUMENTS", "allow")
    capsys.readouterr()

    response = post(http, {"query": "query ChosenByTheClient { __typename }"})

    assert response.status == 200
    metrics = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    assert [m["operation"] for m in metrics if "Requests" in m] == ["other"]
