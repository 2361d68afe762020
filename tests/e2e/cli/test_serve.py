"""`catalog serve` over AWS's DynamoDB Local, as `make serve` runs it."""

from __future__ import annotations

import http.client
import json
import signal
import struct
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli.sample import CATEGORIES, PRODUCTS

pytestmark = pytest.mark.usefixtures("dynamodb_local_installed")

ALL_PRODUCTS = "{ products(first: 100) { edges { node { id name price currency } } } }"
CATEGORY_PAGE = """
query ($id: ID!) {
  category(id: $id) { name productCount products(first: 100) { edges { node { id } } } }
}
"""
UPSERT = """
mutation ($input: UpsertProductInput!) { upsertProduct(input: $input) { id name version } }
"""
NEW_PRODUCT = {"id": "prod-test-lantern", "name": "Test Lantern", "price": "24.50"}


def java_processes_using(path: Path) -> list[str]:
    """The command lines of running java processes that name `path`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # The process ended meanwhile.
        if Path(args[0]).name == "java" and any(str(path) in arg for arg in args):
            found.append(" ".join(args))
    return found


def product_ids(served: Any) -> list[str]:
    result = served.graphql(ALL_PRODUCTS)
    assert "errors" not in result, result
    return [edge["node"]["id"] for edge in result["data"]["products"]["edges"]]


@pytest.fixture(scope="module")
def served(serve: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One server on a fresh directory, for the tests that only make requests."""
    return serve(tmp_path_factory.mktemp("catalog"))


def test_serve_starts_dynamodb_local_with_data_in_dot_data(served: Any) -> None:
    assert f"data in {served.cwd / '.data' / 'dynamodb'}" in served.stdout()
    assert "moto" not in served.stderr()
    assert java_processes_using(served.cwd / ".data")


IMAGE = "query ($id: ID!) { product(id: $id) { imageUrl image { url width height contentType } } }"


def image_of(served: Any, product_id: str) -> dict[str, Any]:
    result = served.graphql(IMAGE, {"id": product_id})
    assert "errors" not in result, result
    return result["data"]["product"]  # type: ignore[no-any-return]


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_serve_sample_products_have_images_served_at_a_local_url(served: Any) -> None:
    # GIVEN the seeded catalog's products, each with its own picture
    shown = [image_of(served, product.id) for product in PRODUCTS]
    assert all(product["image"] is not None for product in shown)
    assert len({product["image"]["url"] for product in shown}) == len(PRODUCTS)
    # WHEN a browser fetches one at the URL the API gives
    product = shown[0]
    status, content_type, body = fetch(product["image"]["url"])
    # THEN it is that PNG, as the API describes it, under the local S3's images/
    assert product["imageUrl"] == product["image"]["url"]
    assert "/catalog-images/images/" in product["imageUrl"]
    assert (status, content_type) == (200, "image/png")
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", body[16:24]) == (160, 120)
    assert (product["image"]["width"], product["image"]["height"]) == (160, 120)
    assert "S3 (moto) at http://127.0.0.1:" in served.stdout()


def test_serve_get_graphql_returns_graphiql(served: Any) -> None:
    status, content_type, body = served.get("/graphql", accept="text/html")

    assert status == 200
    assert content_type.startswith("text/html")
    assert "graphiql" in body.lower()


def test_serve_public_query_returns_the_seeded_catalog(served: Any) -> None:
    result = served.graphql(ALL_PRODUCTS)

    products = {edge["node"]["id"]: edge["node"] for edge in result["data"]["products"]["edges"]}
    assert set(products) >= {product.id for product in PRODUCTS}
    assert products["prod-trail-runner"] == {
        "id": "prod-trail-runner",
        "name": "Trail Runner 4",
        "price": "129.99",
        "currency": "USD",
    }
    assert products["prod-sticker"]["price"] == "0.1"


def test_serve_public_category_page_lists_its_products(served: Any) -> None:
    result = served.graphql(CATEGORY_PAGE, {"id": "cat-running-shoes"})

    category = result["data"]["category"]
    shoes = [product.id for product in PRODUCTS if product.category_id == "cat-running-shoes"]
    assert category["name"] == "Running Shoes"
    assert category["productCount"] == len(shoes)
    assert {edge["node"]["id"] for edge in category["products"]["edges"]} == set(shoes)


def test_serve_public_mutation_is_unauthenticated(served: Any) -> None:
    result = served.graphql(UPSERT, {"input": {**NEW_PRODUCT, "id": "prod-refused"}})

    assert result["data"] is None
    assert [error["extensions"]["code"] for error in result["errors"]] == ["UNAUTHENTICATED"]
    assert "prod-refused" not in product_ids(served)


def test_serve_admin_mutation_succeeds(served: Any) -> None:
    result = served.graphql(UPSERT, {"input": NEW_PRODUCT}, path="/admin/graphql")

    assert "errors" not in result
    assert result["data"] == {
        "upsertProduct": {"id": NEW_PRODUCT["id"], "name": "Test Lantern", "version": 1}
    }
    assert NEW_PRODUCT["id"] in product_ids(served)


def test_serve_suggests_field_names_for_local_development(served: Any) -> None:
    result = served.graphql("{ prodcts { edges { cursor } } }")

    assert [error["extensions"]["code"] for error in result["errors"]] == [
        "GRAPHQL_VALIDATION_FAILED"
    ]
    assert "Did you mean 'products'" in result["errors"][0]["message"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_serve_stop_signal_exits_cleanly_and_stops_java(
    serve: Callable[..., Any], tmp_path: Path, sig: signal.Signals
) -> None:
    served = serve(tmp_path)
    assert java_processes_using(tmp_path / ".data")

    assert served.stop(sig) == 0, served.output()
    assert java_processes_using(tmp_path / ".data") == []


def test_serve_restart_keeps_data_and_does_not_seed_again(
    serve: Callable[..., Any], tmp_path: Path
) -> None:
    # GIVEN a server that seeded the catalog, then took one more product, then stopped
    first = serve(tmp_path)
    first.graphql(UPSERT, {"input": NEW_PRODUCT}, path="/admin/graphql")
    picture = fetch(image_of(first, PRODUCTS[0].id)["imageUrl"])[2]
    assert first.stop() == 0, first.output()

    # WHEN it starts again on the same directory
    second = serve(tmp_path)

    # THEN the product is still there, and the sample was not written again
    ids = product_ids(second)
    assert sorted(ids) == sorted([*(product.id for product in PRODUCTS), NEW_PRODUCT["id"]])
    assert "Seeded" not in second.stdout()
    categories = second.graphql("{ categories { edges { node { id } } } }")
    assert len(categories["data"]["categories"]["edges"]) == len(CATEGORIES)
    # AND the images too, at the new local S3's URL
    assert fetch(image_of(second, PRODUCTS[0].id)["imageUrl"]) == (200, "image/png", picture)
    assert f"{len(PRODUCTS)} files in {tmp_path / '.data' / 's3'}" in second.stdout()


def _post_with_host(served: Any, host: str, path: str = "/admin/graphql") -> Any:
    """Status, headers and JSON body of a POST whose Host header is `host`."""
    url = urllib.parse.urlsplit(served.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    body = json.dumps({"query": "{ __typename }"})
    connection.putrequest("POST", path, skip_host=True)
    connection.putheader("Host", host)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body.encode())
    response = connection.getresponse()
    answer = response.status, response.headers, json.loads(response.read())
    connection.close()
    return answer


@pytest.mark.parametrize("path", ["/graphql", "/admin/graphql"])
def test_serve_refuses_hosts_it_does_not_serve(served: Any, path: str) -> None:
    # A page on evil.example whose name now resolves to 127.0.0.1 (DNS rebinding) sends
    # its own host name: it must not reach the local admin.
    port = urllib.parse.urlsplit(served.url).port
    for host in [
        f"evil.example:{port}",
        "evil.example",
        f"localhost.evil.example:{port}",
        f"127.0.0.1:{port + 1}",
        f"127.0.0.1:{port}@evil.example",
    ]:
        status, headers, body = _post_with_host(served, host, path)

        assert status == 421, host
        assert headers["Content-Type"].startswith("application/json"), host
        assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]


def test_serve_answers_the_hosts_it_serves(served: Any) -> None:
    port = urllib.parse.urlsplit(served.url).port
    for host in [f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"]:
        status, _, body = _post_with_host(served, host)

        assert status == 200, host
        assert body["data"] == {"__typename": "Query"}, host
        assert "errors" not in body, host


def test_serve_access_log_has_path_and_status_but_no_query_string(served: Any) -> None:
    secret = "s3cr3t-in-a-get-variable"
    query = urllib.parse.urlencode(
        {
            "query": "query ($id: ID!) { product(id: $id) { id } }",
            "variables": json.dumps({"id": secret}),
        }
    )
    request = urllib.request.Request(
        f"{served.url}/graphql?{query}", headers={"apollo-require-preflight": "true"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200

    output = served.output()
    assert secret not in output
    assert any('"GET /graphql HTTP/1.1" 200' in line for line in output.splitlines()), output[
        -2000:
    ]
