"""`catalog serve` when it does not run DynamoDB Local: an endpoint is set, or it cannot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.sample import PRODUCTS

ALL_PRODUCTS = "{ products(first: 100) { edges { node { id } } } }"


def assert_serves_the_sample_from_memory(served: Any) -> None:
    result = served.graphql(ALL_PRODUCTS)
    assert len(result["data"]["products"]["edges"]) == len(PRODUCTS)
    assert not (served.cwd / ".data").exists()


def fallback_lines(served: Any) -> list[str]:
    return [line for line in served.stderr().splitlines() if "moto" in line]


def test_serve_without_the_jar_falls_back_to_moto(
    serve: Callable[..., Any], tmp_path: Path
) -> None:
    served = serve(tmp_path, DYNAMODB_LOCAL_JAR="/nonexistent")

    [line] = fallback_lines(served)
    assert "DYNAMODB_LOCAL_JAR=/nonexistent is not a file" in line
    assert "in-memory" in line
    assert_serves_the_sample_from_memory(served)
    assert served.stop() == 0


def test_serve_without_java_falls_back_to_moto(serve: Callable[..., Any], tmp_path: Path) -> None:
    no_java = tmp_path / "empty-path"
    no_java.mkdir()
    served = serve(tmp_path, PATH=str(no_java))

    [line] = fallback_lines(served)
    assert "no java on PATH" in line
    assert_serves_the_sample_from_memory(served)
    assert served.stop() == 0


def test_serve_with_an_endpoint_uses_it_and_starts_nothing(
    serve: Callable[..., Any], moto_endpoint: str, tmp_path: Path
) -> None:
    served = serve(tmp_path, AWS_ENDPOINT_URL_DYNAMODB=moto_endpoint)

    assert f"DynamoDB at {moto_endpoint}" in served.stdout()
    assert fallback_lines(served) == []
    assert_serves_the_sample_from_memory(served)
    assert served.stop() == 0
