"""Errors: every entry is coded, and nothing internal reaches the client."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from urllib.parse import quote

import pytest

from settings import Settings
from tests.catalog import GET_PRODUCT, LIST_PRODUCTS, UPSERT_PRODUCT, create_product
from tests.client import DEFAULT_SETTINGS, ApiClient, http_event, schema_for

# Claims and errors are read from the event: both API Gateway formats (conftest.py).
REST_V1 = True

schema = schema_for(DEFAULT_SETTINGS)


def test_syntax_error_is_graphql_parse_failed(api: ApiClient) -> None:
    response = api.public("{ products(first: 2 }")

    assert response.codes == ["GRAPHQL_PARSE_FAILED"]
    assert "Syntax Error" in response.errors[0]["message"]


def test_unknown_field_is_graphql_validation_failed(api: ApiClient) -> None:
    response = api.public("{ products { edges { node { colour } } } }")

    assert response.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "colour" in response.errors[0]["message"]


def test_wrong_variable_type_is_bad_user_input(api: ApiClient) -> None:
    response = api.public(LIST_PRODUCTS, {"first": "ten"})

    assert response.codes == ["BAD_USER_INPUT"]
    assert "$first" in response.errors[0]["message"]


def test_missing_required_variable_is_bad_user_input(api: ApiClient) -> None:
    response = api.public(GET_PRODUCT, {})

    assert response.codes == ["BAD_USER_INPUT"]


def test_oversized_id_is_bad_user_input_not_a_storage_error(api: ApiClient) -> None:
    response = api.public(GET_PRODUCT, {"id": "x" * 5000})

    assert response.codes == ["BAD_USER_INPUT"]


def test_unexpected_error_is_masked_and_logged(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom in table catalog-products at 10.0.0.7")

    monkeypatch.setattr("resolvers.products.get_product", broken)

    with caplog.at_level(logging.ERROR, logger="catalog"):
        response = api.public(GET_PRODUCT, {"id": "p1"})

    assert response.status == 200
    assert response.codes == ["INTERNAL_SERVER_ERROR"]
    error = response.errors[0]
    assert error["message"] == "Internal server error."
    body = json.dumps(response.body)
    for secret in ("boom", "catalog-products", "RuntimeError", "10.0.0.7", "Traceback"):
        assert secret not in body
    request_id = error["extensions"]["requestId"]
    assert request_id
    assert any(request_id in record.getMessage() for record in caplog.records)
    assert any("boom" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_dynamodb_unreachable_is_service_unavailable(api: ApiClient) -> None:
    product = create_product(api)
    unreachable = api.with_settings(endpoint_url="http://127.0.0.1:9")  # the discard port

    started = time.monotonic()
    response = unreachable.public(GET_PRODUCT, {"id": product["id"]})
    elapsed = time.monotonic() - started
    write = unreachable.admin(UPSERT_PRODUCT, {"input": {"name": "N", "price": "1"}})

    # A refused connection is retried like any connection error, and still fails
    # well within the 10 s bound (test_faults.py has the silent peers).
    assert elapsed < 10
    assert response.codes == ["SERVICE_UNAVAILABLE"]
    assert write.codes == ["SERVICE_UNAVAILABLE"]
    for body in (response.body, write.body):
        assert "127.0.0.1" not in json.dumps(body)
        assert "Endpoint" not in json.dumps(body)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"query": 5}', "application/json"),
        ("", "application/json"),
        ('{"variables": {}}', "application/json"),
    ],
)
def test_malformed_request_is_400_with_a_code(api: ApiClient, body: str, content_type: str) -> None:
    response = api.raw(http_event(api, "POST", body, **{"content-type": content_type}))

    assert response.status == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.codes == ["BAD_USER_INPUT"]


def test_request_in_another_content_type_is_415_with_a_code(api: ApiClient) -> None:
    body = '{"query": "{ __typename }"}'

    response = api.raw(http_event(api, "POST", body, **{"content-type": "text/xml"}))

    assert response.status == 415
    assert response.codes == ["BAD_USER_INPUT"]


def test_mutation_over_get_is_405(api: ApiClient) -> None:
    query = quote('mutation { deleteProduct(id: "p1") { id } }')

    response = api.raw(http_event(api, "GET", "", query=f"query={query}"))

    assert response.status == 405
    assert response.headers["allow"] == "POST"
    assert response.codes == ["BAD_USER_INPUT"]
    assert "Mutations" in response.errors[0]["message"]


def test_query_over_get_is_answered(api: ApiClient) -> None:
    create_product(api, name="Via GET")
    query = quote("{ products { edges { node { name } } } }")

    response = api.raw(http_event(api, "GET", "", query=f"query={query}"))

    assert response.status == 200
    assert response.data["products"]["edges"][0]["node"]["name"] == "Via GET"


def test_graphiql_is_served_to_browsers(api: ApiClient) -> None:
    response = api.raw(http_event(api, "GET", "", accept="text/html"))

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.body["text"].lower()


def test_unknown_path_is_404_with_a_code(api: ApiClient) -> None:
    event = http_event(api, "POST", '{"query": "{ __typename }"}')
    event["rawPath"] = event["path"] = "/graphq"
    if api.api == "http-v2":
        event["requestContext"]["http"]["path"] = "/graphq"

    response = api.raw(event)

    assert response.status == 404
    assert response.codes == ["NOT_FOUND"]


SUGGESTED = [
    # An unknown field, argument, and input field: graphql-core suggests each.
    ("{ products { edges { node { nam } } } }", None),
    ("{ products(frist: 2) { edges { cursor } } }", None),
    (UPSERT_PRODUCT, {"input": {"nam": "Hat", "price": "1"}}),
]


@pytest.mark.parametrize(("query", "variables"), SUGGESTED)
def test_suggestions_are_hidden_by_default(query: str, variables: dict | None) -> None:
    result = schema.execute_sync(query, variables)

    assert result.errors
    assert all("Did you mean" not in error.message for error in result.errors)
    codes = {error.extensions["code"] for error in result.errors}
    assert codes <= {"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}


@pytest.mark.parametrize(("query", "variables"), SUGGESTED)
def test_suggestions_are_shown_when_the_setting_allows(
    query: str, variables: dict | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = schema_for(replace(DEFAULT_SETTINGS, field_suggestions=True))

    result = local.execute_sync(query, variables)

    assert result.errors
    assert any("Did you mean" in error.message for error in result.errors)


def test_introspection_is_on_by_default() -> None:
    result = schema.execute_sync("{ __schema { queryType { name } } }")

    assert result.errors is None
    assert result.data == {"__schema": {"queryType": {"name": "Query"}}}


@pytest.mark.parametrize(
    "query", ["{ __schema { queryType { name } } }", '{ __type(name: "Product") { name } }']
)
def test_introspection_off_is_graphql_validation_failed(
    query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = schema_for(replace(DEFAULT_SETTINGS, introspection=False))

    result = private.execute_sync(query)

    assert result.errors
    assert {error.extensions["code"] for error in result.errors} == {"GRAPHQL_VALIDATION_FAILED"}
    assert private.execute_sync("{ __typename }").data == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("variable", "field"),
    [
        ("CATALOG_INTROSPECTION", "introspection"),
        ("CATALOG_FIELD_SUGGESTIONS", "field_suggestions"),
    ],
)
@pytest.mark.parametrize("value", [True, False])
def test_error_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, variable: str, field: str, value: bool
) -> None:
    monkeypatch.setenv(variable, str(value).lower())

    assert getattr(Settings.from_env(), field) is value
