"""The deployment artifact `make package` builds: its size, contents and bytecode."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "infra"))

import lambda_target  # noqa: E402

BUDGET_BYTES = 5_000_000
APP_MODULES = [
    "handler.py",
    "settings.py",
    "web/app.py",
    "web/view.py",
    "store/entities.py",
    "compose.py",
    "models/product.py",
]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build folder of one run of the script behind `make package`."""
    folder = tmp_path_factory.mktemp("build")
    subprocess.run(
        [sys.executable, str(REPO / "infra" / "package.py"), "--build-dir", str(folder)],
        check=True,
        capture_output=True,
    )
    return folder


@pytest.fixture(scope="module")
def artifact(build: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(build / "catalog-api.zip")


def locked() -> dict[str, str]:
    text = lambda_target.LOCK.read_text()
    return {
        name.lower().replace("_", "-"): version
        for name, version in re.findall(r"^([\w.-]+)==([\w.]+)", text, re.MULTILINE)
    }


def test_package_zip_is_under_budget(build: Path) -> None:
    assert (build / "catalog-api.zip").stat().st_size < BUDGET_BYTES


def test_package_holds_the_app_and_not_the_sdk(artifact: zipfile.ZipFile) -> None:
    names = set(artifact.namelist())
    tops = {name.split("/")[0] for name in names}
    assert set(APP_MODULES) <= names
    assert not tops & {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "cli", "tests"}
    # What AWS's Powertools layer gives the function.
    assert not tops & {"aws_lambda_powertools", "aws_xray_sdk", "wrapt"}


def test_package_carries_the_trusted_documents(artifact: zipfile.ZipFile) -> None:
    manifest = REPO / "web" / "persisted-documents.json"

    assert artifact.read("web/persisted-documents.json") == manifest.read_bytes()


def test_package_carries_graphiqls_example_operations(artifact: zipfile.ZipFile) -> None:
    # web/graphiql.py builds GraphiQL's tabs from these files, beside the package.
    paths = sorted((REPO / "clients" / "operations").glob("*.graphql"))
    assert paths
    for path in paths:
        assert artifact.read(f"clients/operations/{path.name}") == path.read_bytes()


def test_package_bundles_every_locked_dependency(artifact: zipfile.ZipFile) -> None:
    folders = {name.split("/")[0] for name in artifact.namelist()}
    bundled = dict(
        folder.removesuffix(".dist-info").rsplit("-", 1)
        for folder in folders
        if folder.endswith(".dist-info")
    )
    bundled = {name.lower().replace("_", "-"): version for name, version in bundled.items()}
    assert bundled == locked()


def test_package_bytecode_is_unchecked_python_3_13(artifact: zipfile.ZipFile) -> None:
    # GIVEN the magic number of the interpreter the runtime runs
    magic = subprocess.run(
        [
            lambda_target.target_python(),
            "-c",
            "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = artifact.namelist()
    sources = [name for name in names if name.endswith(".py")]
    compiled = [name for name in names if name.endswith(".pyc")]
    # THEN every module has 3.13 bytecode beside it, used without checking the source
    assert len(compiled) == len(sources) > 0
    assert all(".cpython-313." in name for name in compiled)
    for name in compiled:
        header = artifact.read(name)[:8]
        assert header[:4].hex() == magic, name
        assert int.from_bytes(header[4:8], "little") == 0b01, name  # hash-based, unchecked


def test_lock_pins_every_runtime_dependency_but_the_sdk_and_the_layer() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = locked()
    provided = lambda_target.RUNTIME_PROVIDED | lambda_target.LAYER_PROVIDED
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = requirement.name.lower()
        if name in provided:
            assert name not in pins
        else:
            assert requirement.specifier.contains(pins[name]), (name, pins.get(name))
    assert not set(pins) & provided
    assert all("--hash=sha256:" in line for line in lambda_target.LOCK.read_text().split("==")[1:])


def test_pyproject_pins_the_powertools_of_the_layer_version() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    (powertools,) = [
        Requirement(d) for d in project["dependencies"] if d.startswith("aws-lambda-powertools")
    ]
    assert str(powertools.specifier) == f"=={lambda_target.POWERTOOLS_VERSION}"
    assert f"Powertools layer (version {lambda_target.POWERTOOLS_LAYER_VERSION})" in (
        lambda_target.LOCK.read_text()
    )


def test_lock_states_the_lowest_botocore_pyproject_allows() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    (botocore,) = [Requirement(d) for d in project["dependencies"] if d.startswith("botocore")]
    (bound,) = botocore.specifier
    assert (bound.operator, Version(bound.version)) == (">=", Version(lambda_target.MIN_BOTOCORE))
    assert f"botocore>={lambda_target.MIN_BOTOCORE}" in lambda_target.LOCK.read_text()


def test_package_answers_graphql_on_python_3_13_with_lowest_botocore(
    build: Path, artifact: zipfile.ZipFile
) -> None:
    # GIVEN the artifact unpacked as /var/task, Powertools' layer (the pinned version,
    # with its Tracer's dependencies and without the SDK) as /opt/python, and the lowest
    # SDK as /var/runtime
    task, layer, runtime = build / "task", build / "layer", build / "runtime"
    artifact.extractall(task)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(layer),
            *lambda_target.PIP_TARGET_FLAGS,
            f"aws-lambda-powertools=={lambda_target.POWERTOOLS_VERSION}",
            "aws-xray-sdk",
            "wrapt",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--target",
            str(runtime),
            *lambda_target.PIP_TARGET_FLAGS,
            f"boto3=={lambda_target.MIN_BOTOCORE}",
            f"botocore=={lambda_target.MIN_BOTOCORE}",
        ],
        check=True,
        capture_output=True,
    )
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "POST /graphql",
        "rawPath": "/graphql",
        "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "http": {
                "method": "POST",
                "path": "/graphql",
                "sourceIp": "192.0.2.1",
                "protocol": "HTTP/1.1",
            },
            "requestId": "request",
            "stage": "$default",
        },
        "body": json.dumps({"query": "{ __typename }"}),
        "isBase64Encoded": False,
    }
    script = (
        "import json, sys, types, handler, botocore;"
        f"event = json.loads({json.dumps(json.dumps(event))});"
        "r = handler.handler(event, types.SimpleNamespace());"
        "print(json.dumps([r['statusCode'], json.loads(r['body'])['data'], botocore.__version__,"
        " sys.version_info[:2]]))"
    )
    # WHEN python3.13 imports the handler from there and answers a query
    result = subprocess.run(
        [
            lambda_target.target_python(),
            "-I",
            "-c",
            f"import sys; sys.path[:0] = [{str(task)!r}, {str(layer)!r}, {str(runtime)!r}];"
            f" {script}",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=build,
    )
    # THEN it answers, on the runtime's botocore rather than a bundled one
    assert result.returncode == 0, result.stderr
    # The last line: the request's log line and metrics come first.
    assert json.loads(result.stdout.splitlines()[-1]) == [
        200,
        {"__typename": "Query"},
        lambda_target.MIN_BOTOCORE,
        [3, 13],
    ]
