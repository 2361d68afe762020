"""Fixtures: both DynamoDB backends, the handler client and a DynamoDB call recorder."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from cli.dynamodb_local import LocalDynamoDB
from cli.tables import create_tables
from models import MODELS
from tests.client import ApiClient
from tests.faults import FaultInjector

BACKENDS = ("moto", "dynamodb-local")
logging.getLogger("werkzeug").setLevel(logging.WARNING)


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
    """Point every model at `endpoint_url`, dropping cached connections."""
    for model in MODELS:
        model.Meta.host = endpoint_url
        model._connection = None


def clear_tables(endpoint_url: str) -> None:
    client = boto3.client("dynamodb", endpoint_url=endpoint_url)
    for model in MODELS:
        table = model.Meta.table_name
        for page in client.get_paginator("scan").paginate(
            TableName=table, ProjectionExpression="id"
        ):
            for item in page["Items"]:
                client.delete_item(TableName=table, Key={"id": item["id"]})


_tables_ready: set[str] = set()


def _empty_catalog(server: LocalDynamoDB, monkeypatch: pytest.MonkeyPatch) -> LocalDynamoDB:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint_url)
    use_endpoint(server.endpoint_url)
    if server.endpoint_url not in _tables_ready:
        create_tables()
        _tables_ready.add(server.endpoint_url)
    clear_tables(server.endpoint_url)
    return server


@pytest.fixture
def backend(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalDynamoDB]:
    """An empty catalog on moto, then on AWS's DynamoDB Local."""
    server_fixture = "moto_server" if request.param == "moto" else "dynamodb_local_server"
    yield _empty_catalog(request.getfixturevalue(server_fixture), monkeypatch)
    use_endpoint(None)


@pytest.fixture
def local_backend(
    dynamodb_local_server: LocalDynamoDB, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalDynamoDB]:
    """An empty catalog on AWS's DynamoDB Local only, for what moto cannot show."""
    yield _empty_catalog(dynamodb_local_server, monkeypatch)
    use_endpoint(None)


# Behaviour tests run on both backends and both event formats; the format only
# changes how the handler reads the event, so REST v1 runs on the real DynamoDB only.
API_TARGETS = [("moto", "http-v2"), ("dynamodb-local", "http-v2"), ("dynamodb-local", "rest-v1")]


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
        metafunc.parametrize(
            ("backend", "api_format"),
            API_TARGETS,
            indirect=["backend"],
            ids=[f"{api_format}-{backend}" for backend, api_format in API_TARGETS],
        )
    elif "backend" in metafunc.fixturenames and not chosen:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def api(api_format: str, backend: LocalDynamoDB) -> ApiClient:
    """The Lambda handler, called with HTTP API v2 and REST API v1 events."""
    return ApiClient(api_format)


@dataclass
class CallRecorder:
    """DynamoDB operations the models' botocore clients sent, in order."""

    calls: list[str] = field(default_factory=list)
    params: list[dict[str, Any]] = field(default_factory=list)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def reset(self) -> None:
        self.calls.clear()
        self.params.clear()
        self.responses.clear()

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.calls)

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append(model.name)
        self.params.append(params)

    def _after(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.responses.append((model.name, parsed))


HOOKS = (("before-parameter-build.dynamodb", "_before"), ("after-call.dynamodb", "_after"))


@pytest.fixture
def dynamodb_calls(backend: LocalDynamoDB) -> Iterator[CallRecorder]:
    """Records every DynamoDB call the handler makes, counted by operation."""
    recorder = CallRecorder()
    clients = {id(c): c for c in (m._get_connection().connection.client for m in MODELS)}
    for client in clients.values():
        for event, method in HOOKS:
            client.meta.events.register(event, getattr(recorder, method))
    yield recorder
    for client in clients.values():
        for event, method in HOOKS:
            client.meta.events.unregister(event, getattr(recorder, method))


@pytest.fixture
def faults(local_backend: LocalDynamoDB) -> Iterator[FaultInjector]:
    """Faults injected into the models' DynamoDB clients, over DynamoDB Local."""
    with FaultInjector().installed() as injector:
        yield injector
