"""Each request leaves one JSON log line and its EMF metrics on stdout, and no secret."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from typing import Any

import pytest

from cli.dynamodb_local import LocalDynamoDB
from schema.recorder import MAX_LOGGED_NAME, MAX_LOGGED_VARIABLES
from tests.catalog import CATEGORY_PRODUCTS, GET_PRODUCT, UPSERT_PRODUCT, create_category
from tests.client import ApiClient, load_event
from web.observability import MAX_OPERATION_DIMENSIONS, OperationDimensions

SECRET = "s3cr3t-do-not-log-9f8e7d"
ADMIN_SUB = "7d1c3a52-9f0e-4b6d-8a2c-5e4f3b2a1c0d"  # in tests/events/*_admin.json


@pytest.fixture
def api(local_backend: LocalDynamoDB) -> ApiClient:
    return ApiClient("http-v2")


class Output:
    """The JSON documents a request printed: its log line and its EMF metrics."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.documents = [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    @property
    def log(self) -> dict[str, Any]:
        lines = [doc for doc in self.documents if doc.get("message") == "request"]
        assert len(lines) == 1, self.text
        return lines[0]

    def metrics(self) -> dict[str, Any]:
        """Every EMF metric value by name, with the dimensions it was sent under."""
        found: dict[str, Any] = {}
        for document in self.documents:
            if "_aws" not in document:
                continue
            (directive,) = document["_aws"]["CloudWatchMetrics"]
            dimensions = {name: document[name] for name in directive["Dimensions"][0]}
            for metric in directive["Metrics"]:
                # EMF's value is a number or a list of them, one data point each
                # (Powertools writes lists).
                value = document[metric["Name"]]
                for point in value if isinstance(value, list) else [value]:
                    found.setdefault(metric["Name"], []).append(
                        (point, metric["Unit"], directive["Namespace"], dimensions)
                    )
        return found


def captured(capsys: pytest.CaptureFixture[str], send: Any) -> Output:
    capsys.readouterr()
    send()
    return Output(capsys.readouterr().out)


def test_request_log_line_has_route_operation_duration_and_dynamodb_calls(
    api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    category = create_category(api)

    output = captured(capsys, lambda: api.public(CATEGORY_PRODUCTS, {"id": category["id"]}))

    log = output.log
    assert log["level"] == "INFO"
    assert log["service"] == "catalog-api"
    assert log["route"] == "public"
    assert log["status"] == 200
    assert log["operation_name"] == "Page"
    assert log["operation_type"] == "query"
    assert log["variable_names"] == ["id"]
    assert isinstance(log["duration_ms"], float)
    assert log["duration_ms"] > 0
    assert log["dynamodb_calls"] == sum(log["dynamodb_operations"].values()) >= 2
    assert set(log["dynamodb_operations"]) <= {"GetItem", "Query", "BatchGetItem"}
    assert log["consumed_capacity_units"] > 0
    assert log["error_codes"] == []
    assert "caller_sub" not in log


def test_request_log_line_carries_the_request_ids(
    api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    event = load_event("http-v2")
    event["body"] = json.dumps({"query": "{ categories { edges { cursor } } }"})

    output = captured(capsys, lambda: api.raw(event))

    assert output.log["api_request_id"] == event["requestContext"]["requestId"]
    assert output.log["function_request_id"]  # the Lambda context's aws_request_id


def test_admin_log_line_names_the_caller_and_the_mutation(
    api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    output = captured(
        capsys,
        lambda: api.admin(UPSERT_PRODUCT, {"input": {"name": "Trail Runner", "price": "89.90"}}),
    )

    log = output.log
    assert log["route"] == "admin"
    assert log["caller_sub"] == ADMIN_SUB
    assert log["operation_name"] == "Upsert"
    assert log["operation_type"] == "mutation"
    assert log["variable_names"] == ["input"]
    assert (
        log["dynamodb_operations"].get("PutItem", 0)
        + log["dynamodb_operations"].get("TransactWriteItems", 0)
        == 1
    )


def test_request_log_never_holds_admin_variables_or_tokens(
    api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    event = load_event("http-v2", admin_route=True)
    token = event["headers"]["authorization"].split()[-1]
    variables = {"input": {"name": "Trail Runner", "price": "89.90", "description": SECRET}}
    event["body"] = json.dumps({"query": UPSERT_PRODUCT, "variables": variables})

    output = captured(capsys, lambda: api.raw(event))

    assert output.log["operation_name"] == "Upsert"
    assert SECRET not in output.text
    assert token not in output.text


def test_request_log_lists_error_codes(api: ApiClient, capsys: pytest.CaptureFixture[str]) -> None:
    output = captured(
        capsys, lambda: api.public(UPSERT_PRODUCT, {"input": {"name": "x", "price": "1"}})
    )

    assert output.log["error_codes"] == ["UNAUTHENTICATED"]


def test_request_log_lists_codes_of_requests_that_never_reached_graphql(
    api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    event = load_event("http-v2")
    event["body"] = "{not json"

    output = captured(capsys, lambda: api.raw(event))

    assert output.log["status"] == 400
    assert output.log["error_codes"] == ["BAD_USER_INPUT"]


def test_request_metrics_count_the_request_and_its_latency_per_operation(
    api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    output = captured(capsys, lambda: api.public(GET_PRODUCT, {"id": "missing"}))

    metrics = output.metrics()
    dimensions = {"service": "catalog-api", "route": "public", "operation": "Get"}
    assert metrics["Requests"] == [(1, "Count", "CatalogAPI", dimensions)]
    ((latency, unit, _, latency_dimensions),) = metrics["Latency"]
    assert unit == "Milliseconds"
    assert latency > 0
    assert latency_dimensions == dimensions
    assert "Errors" not in metrics


def test_request_metrics_count_errors_by_code(
    api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    output = captured(capsys, lambda: api.public("{ product(id: 1) { nope } }"))

    assert output.metrics()["Errors"] == [
        (1, "Count", "CatalogAPI", {"service": "catalog-api", "code": "GRAPHQL_VALIDATION_FAILED"})
    ]


LAMBDA_PROCESS = """
import json, sys
from handler import handler
from tests.client import LambdaContext, load_event
for query in sys.argv[1:]:
    event = load_event("http-v2")
    event["body"] = json.dumps({"query": query})
    handler(event, LambdaContext())
"""


def in_new_lambda_process(*queries: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `queries` through the handler in a fresh interpreter, as a new Lambda would."""
    result = subprocess.run(
        [sys.executable, "-c", LAMBDA_PROCESS, *queries],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_cold_start_metric_is_sent_once_per_process() -> None:
    result = in_new_lambda_process("{ __typename }", "{ __typename }")

    output = Output(result.stdout)
    logs = [doc for doc in output.documents if doc.get("message") == "request"]
    assert [value for value, *_ in output.metrics()["ColdStart"]] == [1]
    assert [log["cold_start"] for log in logs] == [True, False]


def test_request_log_line_is_an_error_when_dynamodb_is_unreachable() -> None:
    result = in_new_lambda_process(
        "{ categories { edges { cursor } } }", AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:9"
    )

    log = Output(result.stdout).log
    assert (log["level"], log["error_codes"]) == ("ERROR", ["SERVICE_UNAVAILABLE"])


TRACE_ROOT = "1-5759e988-bd862e3fe1be46a994272793"
FUNCTION_SEGMENT = "53995c3f42cd8ad8"


def test_tracing_sends_operation_and_dynamodb_subsegments(local_backend: LocalDynamoDB) -> None:
    # GIVEN an X-Ray daemon (a UDP socket) and the variables Lambda sets when tracing
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    daemon.settimeout(10)
    env = {
        "CATALOG_TRACING": "true",
        "AWS_ENDPOINT_URL_DYNAMODB": local_backend.endpoint_url,
        "LAMBDA_TASK_ROOT": ".",
        "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon.getsockname()[1]}",
        "_X_AMZN_TRACE_ID": f"Root={TRACE_ROOT};Parent={FUNCTION_SEGMENT};Sampled=1",
    }

    # WHEN a Lambda process serves one query
    result = in_new_lambda_process("query Page { categories { edges { cursor } } }", **env)

    # THEN the daemon gets the operation's subsegment under the function's, and the
    # DynamoDB call's under the operation's
    subsegments = {}
    with daemon:
        while len(subsegments) < 2:
            header, _, body = daemon.recv(65535).decode().partition("\n")
            assert json.loads(header) == {"format": "json", "version": 1}
            document = json.loads(body)
            subsegments[document["name"]] = document
    operation, call = subsegments["GraphQL operation"], subsegments["dynamodb"]
    assert operation["trace_id"] == call["trace_id"] == TRACE_ROOT
    assert operation["parent_id"] == FUNCTION_SEGMENT
    assert operation["annotations"]["operation_name"] == "Page"
    assert call["parent_id"] == operation["id"]
    assert call["aws"]["operation"] == "Query"
    assert Output(result.stdout).log["xray_trace_id"] == TRACE_ROOT


@pytest.mark.parametrize("event_format", ["http-v2", "rest-v1"])
def test_request_metrics_take_a_bounded_set_of_operation_names(
    local_backend: LocalDynamoDB, capsys: pytest.CaptureFixture[str], event_format: str
) -> None:
    # GIVEN a client that makes up a new operation name for every request
    client = ApiClient(event_format)
    capsys.readouterr()

    # WHEN it sends more names than a container keeps as dimensions
    for i in range(MAX_OPERATION_DIMENSIONS + 10):
        client.public(f"query Made{i}Up {{ __typename }}")

    # THEN the names beyond the bound all count as `other`
    output = Output(capsys.readouterr().out)
    operations = {dims["operation"] for *_, dims in output.metrics()["Requests"]}
    assert len(operations) <= MAX_OPERATION_DIMENSIONS + 2
    assert "other" in operations


def test_operation_dimension_of_10000_made_up_names_is_bounded() -> None:
    dimension = OperationDimensions(MAX_OPERATION_DIMENSIONS)

    values = {dimension(f"Made{i}Up") for i in range(10_000)} | {dimension(None)}

    assert len(values) <= MAX_OPERATION_DIMENSIONS + 2
    assert dimension("Made0Up") == "Made0Up"
    assert dimension("Made9999Up") == "other"
    assert dimension("x" * 65) == "other"


@pytest.mark.parametrize("event_format", ["http-v2", "rest-v1"])
def test_request_log_names_only_declared_variables_capped(
    local_backend: LocalDynamoDB, capsys: pytest.CaptureFixture[str], event_format: str
) -> None:
    # GIVEN a request with a declared 60 KB variable name, thirty more declared
    # variables, and a hundred and one undeclared keys, one of them 4 KB long
    long_name = "v" * 60_000
    declared = ", ".join(f"$d{i}: Int" for i in range(30))
    query = f"query Q(${long_name}: Int, {declared}) {{ __typename }}"
    variables: dict[str, Any] = {long_name: 1, **{f"d{i}": i for i in range(30)}}
    sent = json.dumps({"query": query, "variables": variables})
    undeclared = {"u" * 4_000: 1, **{f"undeclared{i}": i for i in range(100)}}
    client = ApiClient(event_format)
    event = load_event(event_format)
    body = json.loads(sent)
    body["variables"].update(undeclared)
    event["body"] = json.dumps(body)

    # WHEN it is logged
    output = captured(capsys, lambda: client.raw(event))

    # THEN only declared names appear, few of them and each short
    names = output.log["variable_names"]
    assert not any(name.startswith(("u", "undeclared")) for name in names)
    assert 0 < len(names) <= MAX_LOGGED_VARIABLES
    assert all(len(name) <= MAX_LOGGED_NAME for name in names)
    assert len(json.dumps(output.log)) < 4096
