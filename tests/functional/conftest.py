"""Fixtures: both DynamoDB backends, the handler client and a DynamoDB call recorder."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

import boto3
import pytest

import compose
from cli.dynamodb_local import LocalDynamoDB
from cli.moto_streams import trim_streams
from cli.tables import create_tables
from models import MODELS
from settings import Settings
from store.recording import CallLog
from tests.client import ApiClient, stop_searches
from tests.faults import FaultInjector

BACKENDS = ("moto", "dynamodb-local")
T = TypeVar("T")
logging.getLogger("werkzeug").setLevel(logging.WARNING)


@pytest.fixture(scope="module", autouse=True)
def trimmed_streams() -> Iterator[None]:
    """After each module, its search indexes stopped, the tables' streams start afresh.

    An index starts by reading its tables' streams from their oldest record, and
    neither moto nor DynamoDB Local drops one before a day has passed: late in a worker,
    a module's first search read every write of the run and ran out of time. moto's
    streams are trimmed in place; DynamoDB Local's are replaced by new ones (its tables'
    latest streams, which is what an index reads), as moto cannot do.
    """
    yield
    stop_searches()
    trim_streams()
    for endpoint_url in _local_endpoints:
        renew_streams(endpoint_url)


def renew_streams(endpoint_url: str) -> None:
    """Give each catalog table that has a stream a new, empty one."""
    client = _client(endpoint_url)
    for model in MODELS:
        table = model.Meta.table_name
        try:
            spec = client.describe_table(TableName=table)["Table"].get("StreamSpecification")
        except client.exceptions.ResourceNotFoundException:
            continue
        if not spec or not spec.get("StreamEnabled"):
            continue
        client.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
        client.update_table(TableName=table, StreamSpecification=spec)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[LocalDynamoDB]:
    with LocalDynamoDB.start_moto() as server:
        yield server


@pytest.fixture(scope="session")
def dynamodb_local_server() -> Iterator[LocalDynamoDB]:
    # No skip: without DynamoDB Local the suite proves nothing about real DynamoDB.
    with LocalDynamoDB.start_dynamodb_local() as server:
        yield server


def use_endpoint(endpoint_url: str | None) -> None:
    """Bind the store to `endpoint_url`, with the rest of the test environment's settings."""
    environ = dict(os.environ)
    environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    if endpoint_url is not None:
        environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    compose.bind_store(Settings.from_env(environ))


@functools.cache
def _client(endpoint_url: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=endpoint_url)


def clear_tables(endpoint_url: str) -> None:
    """Delete every item of the catalog's tables, 25 to a BatchWriteItem."""
    client = _client(endpoint_url)
    for model in MODELS:
        table = model.Meta.table_name
        keys = [
            item["id"]
            for page in client.get_paginator("scan").paginate(
                TableName=table, ProjectionExpression="id"
            )
            for item in page["Items"]
        ]
        for start in range(0, len(keys), 25):
            requests = [{"DeleteRequest": {"Key": {"id": key}}} for key in keys[start : start + 25]]
            pending: dict[str, Any] = {table: requests}
            while pending:
                pending = client.batch_write_item(RequestItems=pending)["UnprocessedItems"]


def _tables_exist(endpoint_url: str) -> bool:
    """Whether the server has the catalog's tables: moto's server shares this process's
    moto state, which a test's `mock_aws` (tests/unit/test_entities.py) resets on exit."""
    names = set(_client(endpoint_url).list_tables()["TableNames"])
    return {model.Meta.table_name for model in MODELS} <= names


# The DynamoDB Local servers this worker's tests used, whose streams `trimmed_streams` renews.
_local_endpoints: set[str] = set()
# By server: the dataset its tables hold, written by a `reads_only` test and read only
# since, with what its builder returned. A test not marked `reads_only` with that
# dataset empties the tables first, as every test's do.
_kept: dict[str, tuple[str, Any]] = {}


def _empty_catalog(
    server: LocalDynamoDB, monkeypatch: pytest.MonkeyPatch, keep: str | None = None
) -> LocalDynamoDB:
    if server.kind == "dynamodb-local":
        _local_endpoints.add(server.endpoint_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint_url)
    use_endpoint(server.endpoint_url)
    if not _tables_exist(server.endpoint_url):
        _kept.pop(server.endpoint_url, None)
        create_tables()
    kept = _kept.get(server.endpoint_url)
    if keep is None or kept is None or kept[0] != keep:
        _kept.pop(server.endpoint_url, None)
        clear_tables(server.endpoint_url)
    return server


def _reads_only(request: pytest.FixtureRequest) -> str | None:
    marker = request.node.get_closest_marker("reads_only")
    return str(marker.args[0]) if marker else None


@pytest.fixture
def backend(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalDynamoDB]:
    """An empty catalog on moto, then on AWS's DynamoDB Local (for a `reads_only` test,
    the dataset it reads when the test before it on this server built it)."""
    server_fixture = "moto_server" if request.param == "moto" else "dynamodb_local_server"
    server = request.getfixturevalue(server_fixture)
    yield _empty_catalog(server, monkeypatch, keep=_reads_only(request))
    use_endpoint(None)


def dataset(request: pytest.FixtureRequest, backend: LocalDynamoDB, build: Callable[[], T]) -> T:
    """What `build` writes into the empty tables and returns.

    For a test marked `reads_only(name)`, built once for the tests in a row on this
    server that are marked with the same name: they only read it, so rebuilding it for
    each (a fifth of this tier's time, for the sorted lists' 180 read-only tests) would
    show nothing more. Any other test empties the tables and ends the sharing.
    """
    name = _reads_only(request)
    kept = _kept.get(backend.endpoint_url)
    if name is not None and kept is not None and kept[0] == name:
        return cast(T, kept[1])
    value = build()
    if name is not None:
        _kept[backend.endpoint_url] = (name, value)
    return value


@pytest.fixture
def local_backend(
    dynamodb_local_server: LocalDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalDynamoDB]:
    """An empty catalog on AWS's DynamoDB Local only, for what moto cannot show."""
    yield _empty_catalog(dynamodb_local_server, monkeypatch)
    use_endpoint(None)


# Behaviour tests run on both backends in the HTTP API v2 event format.
API_TARGETS = [("moto", "http-v2"), ("dynamodb-local", "http-v2")]
# The REST API v1 event changes only how the handler reads the request and its caller:
# the modules that test those (a module sets REST_V1 = True) run on it too, on the real
# DynamoDB; the others' behaviour does not depend on it (tests/functional/test_http.py and
# test_graphql_over_http.py run every transport rule in both formats).
REST_V1_TARGET = ("dynamodb-local", "rest-v1")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A test that picks its backend itself (parametrize "backend", indirect) keeps it.
    chosen = any(
        "backend" in str(marker.args[0])
        for marker in metafunc.definition.iter_markers("parametrize")
    )
    if "api_format" in metafunc.fixturenames:
        if chosen:
            metafunc.parametrize("api_format", ["http-v2"])
            return
        targets = API_TARGETS + (
            [REST_V1_TARGET] if getattr(metafunc.module, "REST_V1", False) else []
        )
        metafunc.parametrize(
            ("backend", "api_format"),
            targets,
            indirect=["backend"],
            ids=[f"{api_format}-{backend}" for backend, api_format in targets],
        )
    elif "backend" in metafunc.fixturenames and not chosen:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def api(api_format: str, backend: LocalDynamoDB) -> ApiClient:
    """The Lambda handler, called with HTTP API v2 and REST API v1 events."""
    return ApiClient(api_format)


# Every DynamoDB call the models' clients send: operations, parameters, answers.
CallRecorder = CallLog


@pytest.fixture
def dynamodb_calls(backend: LocalDynamoDB) -> Iterator[CallLog]:
    """Records every DynamoDB call the handler makes, counted by operation."""
    recorder = CallLog()
    yield recorder
    recorder.stop()


@pytest.fixture
def faults(local_backend: LocalDynamoDB) -> Iterator[FaultInjector]:
    """Faults injected into the models' DynamoDB clients, over DynamoDB Local."""
    with FaultInjector().installed() as injector:
        yield injector
