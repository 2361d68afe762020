"""The GraphiQL pages: the Lambda's pins its CDN assets with integrity, serve's is offline."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import urllib.error
import urllib.request

import pytest

from cli.graphiql import CDN, NODE_MODULES, cdn_page, local_page
from tests.client import ApiClient, LambdaContext, load_event
from tests.e2e.cli.conftest import Served

ASSET = re.compile(r'(?:src|href)="([^"]+)"\s+integrity="(sha384-[^"]+)"')
ANY_URL = re.compile(r'(?:src|href)="([^"]+)"')

if not NODE_MODULES.is_dir():
    if shutil.which("npm") is None:
        pytest.skip(
            "npm is not installed: GraphiQL's local assets cannot be checked "
            "(make test installs npm where it can; CI has it)",
            allow_module_level=True,
        )
    pytest.fail("GraphiQL's assets are missing: run `make graphiql` (make test does)")


def lambda_graphiql_page() -> str:
    event = load_event("http-v2")
    event["requestContext"]["http"]["method"] = "GET"
    event["headers"]["accept"] = "text/html"
    event.pop("body", None)
    result = ApiClient("http-v2").handler(event, LambdaContext())
    assert result["statusCode"] == 200
    return str(result["body"])


def test_lambda_graphiql_loads_pinned_cdn_assets_with_integrity() -> None:
    page = lambda_graphiql_page()

    assets = ASSET.findall(page)
    urls = [url for url in ANY_URL.findall(page) if not url.startswith("data:")]
    assert len(assets) == len(urls) == 7
    for url, _ in assets:
        assert re.match(re.escape(CDN) + r"(@[\w.-]+/)?[\w.-]+@\d+\.\d+\.\d+/", url), url


def test_lambda_graphiql_integrity_hashes_match_the_npm_packages_files() -> None:
    for url, integrity in ASSET.findall(cdn_page()):
        package, version, file = re.match(  # type: ignore[union-attr]
            re.escape(CDN) + r"((?:@[\w.-]+/)?[\w.-]+)@([\w.-]+)/(.+)", url
        ).groups()
        manifest = json.loads((NODE_MODULES / package / "package.json").read_text())
        digest = hashlib.sha384((NODE_MODULES / package / file).read_bytes()).digest()

        assert manifest["version"] == version
        assert integrity == "sha384-" + base64.b64encode(digest).decode(), url


def test_serve_graphiql_page_loads_every_asset_from_the_server_itself() -> None:
    page = local_page()

    urls = [url for url in ANY_URL.findall(page) if not url.startswith("data:")]
    assert len(urls) == 7
    assert all(url.startswith("/graphiql-assets/") for url in urls), urls
    assert CDN not in page
    assert [integrity for _, integrity in ASSET.findall(page)] == [
        integrity for _, integrity in ASSET.findall(cdn_page())
    ]


def test_serve_graphiql_assets_serve_the_pages_files_and_licenses_only(
    catalog_server: Served,
) -> None:
    base = f"{catalog_server.url}/graphiql-assets"

    script = urllib.request.urlopen(f"{base}/graphiql@3.8.3/graphiql.min.js", timeout=30)
    license_text = urllib.request.urlopen(f"{base}/react@18.2.0/LICENSE", timeout=30).read()

    assert script.status == 200
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert b"MIT License" in license_text
    for unlisted in ("react@18.2.0/package-lock.json", "graphiql@3.8.3/../react/LICENSE"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/{unlisted}", timeout=30)
        assert refused.value.code == 404
