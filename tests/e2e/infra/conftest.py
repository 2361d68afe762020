"""Fixtures of the infrastructure tests: the SAM template, raw and transformed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

REPO = Path(__file__).resolve().parents[3]
TEMPLATE = REPO / "infra" / "template.yaml"
ACTIONS_FILE = REPO / "infra" / "dynamodb_actions.txt"
S3_ACTIONS_FILE = REPO / "infra" / "s3_actions.txt"
CHANGES_ACTIONS_FILE = REPO / "infra" / "changes_actions.txt"
CDN_PURGE_ACTIONS_FILE = REPO / "infra" / "cdn_purge_actions.txt"
REGION = "us-east-1"

# What `sam deploy` does to a local CodeUri before the transform runs in AWS.
UPLOADED_CODE = "s3://catalog-artifacts/catalog-api.zip"
UPLOADED_LAYER = "s3://catalog-artifacts/search-layer.zip"

# TransactWriteItems is authorised item by item, as the action each item performs.
TRANSACT_ITEM_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


class NoManagedPolicies(ManagedPolicyLoader):
    """The template names no managed policy, so the transform needs no IAM lookup."""

    def __init__(self) -> None:
        pass

    def load(self) -> dict[str, str]:
        return {}


# The IAM actions of each S3 API call the code may make; a call missing here is
# recorded as "s3:<operation>", which no maintained list holds, so the test fails.
S3_CALL_ACTIONS = {
    "GetObject": {"s3:GetObject"},
    "HeadObject": {"s3:GetObject"},
    "CopyObject": {"s3:GetObject", "s3:PutObject"},
    "PutObject": {"s3:PutObject"},
    "DeleteObject": {"s3:DeleteObject"},
    "DeleteObjects": {"s3:DeleteObject"},
    "ListObjectsV2": {"s3:ListBucket"},
}


def maintained(path: Path) -> frozenset[str]:
    lines = path.read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def dynamodb_actions() -> frozenset[str]:
    """The maintained list of DynamoDB actions the function may call."""
    return maintained(ACTIONS_FILE)


def s3_actions() -> frozenset[str]:
    """The maintained list of S3 actions the function may call."""
    return maintained(S3_ACTIONS_FILE)


def iam_actions_for_call(operation: str, params: dict[str, Any]) -> set[str]:
    """The IAM actions one DynamoDB API call needs, e.g. ("GetItem", {...})."""
    if operation == "TransactWriteItems":
        return {
            TRANSACT_ITEM_ACTIONS[kind] for item in params.get("TransactItems", []) for kind in item
        }
    if operation == "TransactGetItems":
        return {"dynamodb:GetItem"}
    return {f"dynamodb:{operation}"}


def load_template() -> dict[str, Any]:
    return yaml_parse(TEMPLATE.read_text())


def transform_template(parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """The template as CloudFormation runs it after the SAM transform."""
    template = load_template()
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = UPLOADED_CODE
    template["Resources"]["SearchLayer"]["Properties"]["ContentUri"] = UPLOADED_LAYER
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        return transform(
            copy.deepcopy(template),
            {"AWS::Region": REGION, **(parameters or {})},
            NoManagedPolicies(),
        )


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="session")
def maintained_actions() -> frozenset[str]:
    return dynamodb_actions()


@pytest.fixture(scope="session")
def maintained_s3_actions() -> frozenset[str]:
    return s3_actions()


@pytest.fixture(scope="session")
def transform_with() -> Any:
    """The transform, for tests that set parameters: transform_with({"Name": "value"})."""
    return transform_template


@pytest.fixture(scope="session")
def transformed() -> dict[str, Any]:
    return transform_template()


@pytest.fixture(scope="session")
def resources(transformed: dict[str, Any]) -> dict[str, Any]:
    return transformed["Resources"]


@pytest.fixture
def recorded_actions(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Collects the IAM actions of every DynamoDB, S3 and EventBridge call the test makes."""
    from botocore.client import BaseClient

    recorded: dict[str, set[str]] = {"dynamodb": set(), "s3": set(), "events": set()}
    make_api_call = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        if service == "dynamodb":
            recorded[service].update(iam_actions_for_call(operation, params))
        elif service == "s3":
            recorded[service].update(S3_CALL_ACTIONS.get(operation, {f"s3:{operation}"}))
        elif service == "events":
            recorded[service].add(f"events:{operation}")
        return make_api_call(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return recorded
