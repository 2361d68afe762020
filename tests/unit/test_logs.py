"""Every log line is bounded, and so is what one request logs, whatever it sends."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from decimal import Decimal

import pytest
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from tests.client import ApiClient
from web.observability import (
    MAX_LOG_LINE_BYTES,
    MAX_REQUEST_LOG_BYTES,
    BoundedLog,
    LogBudget,
    _line_encoder,
    _message_as_json,
)

# The format of the Lambda Python runtime's handler on the root logger.
LAMBDA_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(name)s\t%(message)s"


@pytest.fixture
def lambda_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """What a handler on the root logger writes, as the Lambda runtime's does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LAMBDA_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    monkeypatch.setattr(root, "level", logging.WARNING)
    yield stream
    root.removeHandler(handler)


def _hostile_document(name: str) -> str:
    """One operation over the depth, aliases, directives, cost and storage-call limits."""
    deep = "categories { edges { node { products { edges { node { category { products "
    deep += "{ edges { node { id } } } } } } } } } }"
    pages = " ".join(
        f"p{i}: products(first: 100) {{ edges {{ node {{ id name }} }} }}" for i in range(14)
    )
    fanned = " ".join(
        f"c{i}: categories(first: 100) {{ edges {{ node {{ products(first: 1) "
        "{ edges { node { id } } } } } }"
        for i in range(2)
    )
    directives = " ".join("__typename @include(if: true)" for _ in range(51))
    return f"query {name} {{ {deep} {pages} {fanned} {directives} }}"


def test_finding_2_replayed_logs_at_most_16_kb_in_lines_of_at_most_8_kb(
    lambda_logs: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN an anonymous request with a 125,000-character operation name over five limits
    capsys.readouterr()
    document = _hostile_document("N" * 125_000)

    # WHEN it is sent
    response = ApiClient("http-v2").public(document)

    # THEN it is refused on each limit, and what it logged is bounded
    assert response.codes == ["GRAPHQL_VALIDATION_FAILED"] * 5
    logged = lambda_logs.getvalue() + capsys.readouterr().out
    lines = logged.splitlines()
    assert sum("refused" in line for line in lines) == 5
    assert max(len(line.encode()) for line in lines) <= MAX_LOG_LINE_BYTES
    assert len(logged.encode()) <= MAX_REQUEST_LOG_BYTES


def test_log_lines_of_one_request_stop_at_its_budget(lambda_logs: io.StringIO) -> None:
    # GIVEN a logger with the bound, within one request's budget
    logger = logging.getLogger("test-bounded")
    logger.addFilter(BoundedLog())
    from web.observability import _log_budget

    token = _log_budget.set(LogBudget(8 * 1024))
    try:
        # WHEN the request logs ten errors of 100,000 four-byte characters with tracebacks
        for _ in range(10):
            try:
                raise ValueError("\U0001f600" * 100_000)
            except ValueError:
                logger.exception("failed: %s", "\U0001f600" * 100_000)
    finally:
        _log_budget.reset(token)

    # THEN each line is cut with a marker, and the rest is dropped after one notice
    logged = lambda_logs.getvalue()
    lines = logged.splitlines()
    assert max(len(line.encode()) for line in lines) <= MAX_LOG_LINE_BYTES
    assert len(logged.encode()) <= MAX_REQUEST_LOG_BYTES
    assert "[cut " in logged
    assert lines[-1].endswith("further warnings and errors of this request are not logged")


@pytest.mark.parametrize(
    "message",
    ["request", '{"order": 1}', "[1, 2]", " 42", "true", "NaN", "", "{not json"],
)
def test_lines_are_written_as_powertools_writes_them(message: str) -> None:
    # GIVEN Powertools' formatter as the request log configures it, and as it comes
    ours = LambdaPowertoolsFormatter(
        json_serializer=_line_encoder(),
        json_deserializer=_message_as_json,
        utc=True,
        use_rfc3339=True,
        service="catalog-api",
    )
    powertools = LambdaPowertoolsFormatter(utc=True, use_rfc3339=True, service="catalog-api")
    record = logging.makeLogRecord({"msg": message, "levelname": "INFO", "created": 1.5})
    record.__dict__.update(price=Decimal("19.90"), title="Bötchen ✓", codes=["A"])

    # WHEN each formats the same record, with a value JSON cannot hold and one that
    # is not ASCII
    line = ours.format(record)

    # THEN the lines are the same text
    assert line == powertools.format(record)
