"""`catalog serve`'s moto sidecars (S3, DynamoDB) answer only their own Host and origins."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from cli.dynamodb_local import LocalDynamoDB
from cli.local_s3 import BUCKET, LocalS3

PAGE = "http://127.0.0.1:8000"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
LIST_TABLES = {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": "DynamoDB_20120810.ListTables",
    "authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request",
}


@pytest.fixture(scope="module")
def local_s3() -> Iterator[LocalS3]:
    images = LocalS3.start(origins={PAGE})
    yield images
    images.stop()


def put_html(local_s3: LocalS3, key: str, **headers: str) -> httpx.Response:
    url = f"{local_s3.endpoint_url}/{BUCKET}/{key}"
    return httpx.put(url, content=HTML, headers={"content-type": "text/html", **headers})


def test_local_s3_refuses_another_host(local_s3: LocalS3) -> None:
    response = put_html(local_s3, "images/rebound.html", host="attacker.example")

    assert response.status_code == 421
    assert put_html(local_s3, "images/rebound.html").status_code == 200
    assert httpx.get(f"{local_s3.endpoint_url}/{BUCKET}/images/rebound.html").content == HTML


def test_local_s3_refuses_a_page_of_another_origin(local_s3: LocalS3) -> None:
    response = put_html(local_s3, "images/forged.html", origin="https://attacker.example")

    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    missing = httpx.get(f"{local_s3.endpoint_url}/{BUCKET}/images/forged.html")
    assert missing.status_code == 404


def test_local_s3_names_only_the_dev_servers_origin(local_s3: LocalS3) -> None:
    response = httpx.get(f"{local_s3.endpoint_url}/{BUCKET}/images/none", headers={"origin": PAGE})

    assert response.status_code == 404
    assert response.headers["access-control-allow-origin"] == PAGE


def test_local_dynamodb_refuses_another_host_and_any_page(moto_server: LocalDynamoDB) -> None:
    url = moto_server.endpoint_url
    body = json.dumps({})

    rebound = httpx.post(url, content=body, headers={**LIST_TABLES, "host": "attacker.example"})
    forged = httpx.post(url, content=body, headers={**LIST_TABLES, "origin": PAGE})
    own = httpx.post(url, content=body, headers=LIST_TABLES)

    assert (rebound.status_code, forged.status_code, own.status_code) == (421, 403, 200)
    assert "TableNames" in own.json()
