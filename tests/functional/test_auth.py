"""Identity: reads are public; mutations and deleted items need the admin group."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cli.dynamodb_local import LocalDynamoDB
from tests.catalog import (
    DELETE_CATEGORY,
    GET_PRODUCT,
    LIST_CATEGORIES,
    LIST_PRODUCTS,
    UPSERT_CATEGORY,
    create_product,
    get_category,
)
from tests.client import ApiClient, load_event

# Claims and errors are read from the event: both API Gateway formats (conftest.py).
REST_V1 = True

NEW_CATEGORY = {"input": {"id": "c1", "name": "Hats"}}


def test_reads_are_public(api: ApiClient) -> None:
    product = create_product(api)

    response = api.public(GET_PRODUCT, {"id": product["id"]})

    assert response.status == 200
    assert response.data["product"]["name"] == product["name"]


def test_mutation_on_public_route_is_unauthenticated(api: ApiClient) -> None:
    response = api.public(UPSERT_CATEGORY, NEW_CATEGORY)

    assert response.codes == ["UNAUTHENTICATED"]
    assert get_category(api, "c1", include_deleted=True) is None


@pytest.mark.parametrize("query", [LIST_PRODUCTS, LIST_CATEGORIES, GET_PRODUCT])
def test_include_deleted_on_public_route_is_unauthenticated(api: ApiClient, query: str) -> None:
    response = api.public(query, {"id": "x", "all": True})

    assert response.codes == ["UNAUTHENTICATED"]


def test_admin_route_without_claims_is_unauthenticated(api: ApiClient) -> None:
    response = api.send(UPSERT_CATEGORY, NEW_CATEGORY, admin_route=True, groups=None)

    assert response.codes == ["UNAUTHENTICATED"]
    assert get_category(api, "c1") is None


@pytest.mark.parametrize(
    "groups", ["[editors]", "editors", "[administrators]", "Admin", "", ["editors"], "[admin-x]"]
)
def test_claims_without_admin_group_are_forbidden(api: ApiClient, groups: object) -> None:
    response = api.send(UPSERT_CATEGORY, NEW_CATEGORY, admin_route=True, groups=groups)

    assert response.codes == ["FORBIDDEN"]
    assert get_category(api, "c1") is None


# The forms API Gateway passes `cognito:groups` in: an HTTP API's JWT authorizer a
# list or "[a b]", a REST API's Cognito authorizer "a,b".
ADMIN_GROUPS = {
    "http-v2": ["[admin]", "[editors admin]", ["admin"], ["editors", "admin"], "admin"],
    "rest-v1": ["admin", "editors,admin", "admin,editors"],
}
# Never admin: JSON-looking strings are not decoded, and punctuation is part of a name.
NOT_ADMIN_GROUPS = {
    "http-v2": [
        '["admin"]',
        '["adm\\u0069n"]',
        '["editors", "admin"]',
        '"admin"',
        "x,admin",
        "[admin,x]",
        "[ADMIN]",
        ["admin "],
        [["admin"]],
    ],
    "rest-v1": ['["admin"]', '["adm\\u0069n"]', "[admin]", "editors, admin", '"admin"', "Admin"],
}


def test_claims_with_admin_group_are_accepted(api: ApiClient) -> None:
    for groups in ADMIN_GROUPS[api.api]:
        api.send(DELETE_CATEGORY, {"id": "c1", "hard": True}, admin_route=True)

        response = api.send(UPSERT_CATEGORY, NEW_CATEGORY, admin_route=True, groups=groups)

        assert not response.errors, groups
        assert get_category(api, "c1")["name"] == "Hats"


def test_claims_in_other_forms_never_grant_admin(api: ApiClient) -> None:
    for groups in NOT_ADMIN_GROUPS[api.api]:
        response = api.send(UPSERT_CATEGORY, NEW_CATEGORY, admin_route=True, groups=groups)

        assert response.codes == ["FORBIDDEN"], groups
    assert get_category(api, "c1") is None


def test_claims_on_the_public_route_are_ignored(api: ApiClient) -> None:
    # GIVEN an event for /graphql carrying an admin's claims (no authorizer is there,
    # but a shared cache in front of it would keep an admin's answer for everyone)
    event = load_event(api.api)
    claims = {"sub": "someone", "cognito:groups": "[admin]" if api.api == "http-v2" else "admin"}
    authorizer = {"jwt": {"claims": claims}} if api.api == "http-v2" else {"claims": claims}
    event["requestContext"]["authorizer"] = authorizer
    event["body"] = json.dumps({"query": UPSERT_CATEGORY, "variables": NEW_CATEGORY})

    # WHEN it asks for a write
    response = api.raw(event)

    # THEN it is anonymous
    assert response.codes == ["UNAUTHENTICATED"]
    assert get_category(api, "c1") is None


def test_headers_never_grant_identity(api: ApiClient) -> None:
    event = load_event(api.api)
    headers = event.get("headers")
    headers.update(
        {
            "authorization": "Bearer forged",
            "x-amzn-oidc-data": "forged",
            "cognito:groups": "admin",
            "x-cognito-groups": "admin",
        }
    )
    event["body"] = json.dumps({"query": UPSERT_CATEGORY, "variables": NEW_CATEGORY})

    response = api.raw(event)

    assert response.codes == ["UNAUTHENTICATED"]


def test_admin_group_comes_from_the_environment(local_backend: LocalDynamoDB) -> None:
    # A fresh interpreter, as Lambda starts one, with its own CATALOG_ADMIN_GROUP.
    script = """
import json
from tests.client import ApiClient
client = ApiClient("http-v2")
results = [client.send(QUERY, VARS, admin_route=True, groups=g).codes for g in GROUPS]
print(json.dumps(results))
"""
    script = (
        f"QUERY = {UPSERT_CATEGORY!r}\nVARS = {NEW_CATEGORY!r}\n"
        f"GROUPS = ['[admin]', '[catalog-editors]']\n{script}"
    )
    env = {**os.environ, "CATALOG_ADMIN_GROUP": "catalog-editors"}

    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [["FORBIDDEN"], []]
    assert get_category(ApiClient("http-v2"), "c1")["name"] == "Hats"


def test_forbidden_caller_cannot_delete(api: ApiClient) -> None:
    api.ok(UPSERT_CATEGORY, NEW_CATEGORY)

    response = api.send(DELETE_CATEGORY, {"id": "c1"}, admin_route=True, groups="[viewer]")

    assert response.codes == ["FORBIDDEN"]
    assert get_category(api, "c1") is not None
