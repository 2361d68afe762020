"""The transformed template deployed into moto's CloudFormation, then used by the handler."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from moto import mock_aws

import compose
from cli.dynamodb_local import LocalDynamoDB
from models import MODELS, Category, Product
from settings import Settings
from tests.client import ApiClient

REPO = Path(__file__).resolve().parents[3]

STACK = "catalog"
BUCKET, KEY = "catalog-artifacts", "catalog-api.zip"
# moto's CloudFormation has no Cognito, Lambda alias or API Gateway v2 resources
# (nor permissions on an alias), so the stack it gets holds the rest: the tables,
# the role, the log group and the function with its published version. The stream
# mappings stay out too: moto would run their function in Docker, then drop the
# stream records it handed over, which the test reads itself.
MOTO_SUPPORTED = frozenset(
    {
        "AWS::DynamoDB::Table",
        "AWS::IAM::Role",
        "AWS::Logs::LogGroup",
        "AWS::Lambda::Function",
        "AWS::Lambda::Version",
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::Events::EventBus",
    }
)
# moto has no CloudFront: the function is told this base URL for its images instead.
MOTO_IMAGES_BASE_URL = "https://images.example.com"


def deployable_by_moto(transformed: dict[str, Any]) -> dict[str, Any]:
    resources = {
        name: copy.deepcopy(resource)
        for name, resource in transformed["Resources"].items()
        if resource["Type"] in MOTO_SUPPORTED
    }
    for resource in resources.values():
        if resource["Type"] == "AWS::Lambda::Function":
            variables = resource["Properties"]["Environment"]["Variables"]
            variables["CATALOG_IMAGES_BASE_URL"] = MOTO_IMAGES_BASE_URL
            # moto has no layer versions: the search layer is left out (its ARNs stay).
            resource["Properties"]["Layers"] = [
                layer for layer in resource["Properties"]["Layers"] if "Ref" not in layer
            ]
    outputs = {
        name: output
        for name, output in transformed["Outputs"].items()
        if "Condition" not in output
        and "HttpApi" not in json.dumps(output)
        and "Distribution" not in json.dumps(output)
    }
    deployable = json.dumps({**transformed, "Resources": resources, "Outputs": outputs})
    # moto's Ref of an event bus is the bus object, not its name.
    deployable = deployable.replace('{"Ref": "EventBus"}', '{"Fn::GetAtt": ["EventBus", "Name"]}')
    return json.loads(deployable)  # type: ignore[no-any-return]


def code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "handler = None\n")
    return buffer.getvalue()


@pytest.fixture
def models_on_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Points the models at moto's default endpoint, and back afterwards."""
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(variable, "testing")
    with mock_aws():
        compose.bind_store(Settings.from_env())
        yield


@pytest.fixture
def stack(models_on_moto: None, transformed: dict[str, Any]) -> dict[str, Any]:
    """The stack, created with the table names the models use; returns its outputs."""
    region = Product.Meta.region
    s3 = boto3.client("s3", region_name=region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=BUCKET)
    else:
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=code_zip())
    cloudformation = boto3.client("cloudformation", region_name=region)
    cloudformation.create_stack(
        StackName=STACK,
        TemplateBody=json.dumps(deployable_by_moto(transformed)),
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[
            {"ParameterKey": "ProductsTableName", "ParameterValue": Product.Meta.table_name},
            {"ParameterKey": "CategoriesTableName", "ParameterValue": Category.Meta.table_name},
            {"ParameterKey": "CreateUserPool", "ParameterValue": "false"},
        ],
    )
    (described,) = cloudformation.describe_stacks(StackName=STACK)["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE"
    return {output["OutputKey"]: output["OutputValue"] for output in described["Outputs"]}


def http_api_event(path: str, body: dict[str, Any], groups: str | None = None) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) POST, as the JWT authorizer passes it on."""
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "api",
        "domainName": "api.execute-api.us-east-1.amazonaws.com",
        "http": {
            "method": "POST",
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "192.0.2.1",
            "userAgent": "pytest",
        },
        "requestId": "request",
        "routeKey": f"POST {path}",
        "stage": "$default",
        "time": "27/Nov/2026:21:00:00 +0000",
        "timeEpoch": 1795813200000,
    }
    if groups is not None:
        request_context["authorizer"] = {
            "jwt": {"claims": {"sub": "admin-user", "cognito:groups": groups}, "scopes": None}
        }
    return {
        "version": "2.0",
        "routeKey": f"POST {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": request_context["domainName"]},
        "requestContext": request_context,
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def call(path: str, query: str, variables: dict[str, Any], groups: str | None = None) -> Any:
    event = http_api_event(path, {"query": query, "variables": variables}, groups)
    response = ApiClient("http-v2").handler(event, SimpleNamespace(aws_request_id="request"))
    assert response["statusCode"] == 200, response
    payload = json.loads(response["body"])
    assert "errors" not in payload, payload
    return payload["data"]


def test_stack_creates_tables_the_models_describe(stack: dict[str, Any]) -> None:
    dynamodb = boto3.client("dynamodb", region_name=Product.Meta.region)
    assert stack["ProductsTableName"] == Product.Meta.table_name
    assert stack["CategoriesTableName"] == Category.Meta.table_name
    for model in MODELS:
        table = dynamodb.describe_table(TableName=model.Meta.table_name)["Table"]
        schema = model._get_schema()
        assert table["DeletionProtectionEnabled"] is True
        assert sorted(table["KeySchema"], key=str) == sorted(schema["key_schema"], key=str)
        assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} == {
            index["index_name"] for index in schema["global_secondary_indexes"]
        }


def test_stack_gives_function_the_models_table_names(stack: dict[str, Any]) -> None:
    functions = boto3.client("lambda", region_name=Product.Meta.region).list_functions()
    by_handler = {function["Handler"]: function for function in functions["Functions"]}
    # The API; the search indexer from the same artifact reads the same tables.
    for handler_name in ("handler.handler", "handler.index_changes"):
        variables = by_handler[handler_name]["Environment"]["Variables"]
        assert variables["CATALOG_PRODUCTS_TABLE"] == Product.Meta.table_name
        assert variables["CATALOG_CATEGORIES_TABLE"] == Category.Meta.table_name
        assert variables["CATALOG_SEARCH_BUCKET"] == stack["SearchBucketName"]
        assert by_handler[handler_name]["Runtime"] == "python3.13"
    assert by_handler["handler.handler"]["Environment"]["Variables"]["CATALOG_ADMIN_GROUP"] == (
        "admin"
    )


def test_handler_round_trip_on_stack_tables_within_role_actions(
    stack: dict[str, Any],
    recorded_actions: dict[str, set[str]],
    maintained_actions: frozenset[str],
) -> None:
    # GIVEN an admin creates a category through /admin/graphql
    created = call(
        "/admin/graphql",
        "mutation ($input: UpsertCategoryInput!) { upsertCategory(input: $input) { id name } }",
        {"input": {"name": "Garden tools"}},
        groups="[admin]",
    )["upsertCategory"]
    # WHEN anyone reads it back through /graphql
    read = call(
        "/graphql",
        "query ($id: ID!) { category(id: $id) { id name productCount } }",
        {"id": created["id"]},
    )["category"]
    # THEN it is there, and every DynamoDB call made is one the role grants
    assert read == {"id": created["id"], "name": "Garden tools", "productCount": 0}
    assert recorded_actions["dynamodb"]
    assert recorded_actions["dynamodb"] <= maintained_actions, recorded_actions


@pytest.fixture
def stack_images(stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> str:
    """The function's settings pointed at the stack's images bucket, as its environment is."""
    import models.images

    monkeypatch.setenv("CATALOG_IMAGES_BUCKET", stack["ImagesBucketName"])
    monkeypatch.setenv("CATALOG_IMAGES_BASE_URL", MOTO_IMAGES_BASE_URL)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    models.images.client.cache_clear()
    return stack["ImagesBucketName"]


def test_image_upload_attach_and_hard_delete_stay_within_role_actions(
    stack_images: str,
    recorded_actions: dict[str, set[str]],
    maintained_actions: frozenset[str],
    maintained_s3_actions: frozenset[str],
) -> None:
    import models.images

    s3 = boto3.client("s3", region_name=Product.Meta.region)
    by_handler: set[str] = set()

    def admin(query: str, variables: dict[str, Any]) -> Any:
        """Call the handler as an admin, noting the S3 actions it alone needed."""
        recorded_actions["s3"].clear()
        data = call("/admin/graphql", query, variables, groups="[admin]")
        by_handler.update(recorded_actions["s3"])
        return data

    # GIVEN a product, and a PNG put where the upload form says
    png = (REPO / "tests" / "images" / "mountain-24x16.png").read_bytes()
    product = admin('mutation { upsertProduct(input: {name: "Lamp", price: "5"}) { id } }', {})
    upload = admin(
        "mutation ($input: CreateProductImageUploadInput!) {"
        " createProductImageUpload(input: $input) { uploadId fields { name value } } }",
        {
            "input": {
                "productId": product["upsertProduct"]["id"],
                "contentType": "image/png",
                "contentLength": len(png),
            }
        },
    )["createProductImageUpload"]
    key = next(f["value"] for f in upload["fields"] if f["name"] == "key")
    attach = {"productId": product["upsertProduct"]["id"], "uploadId": upload["uploadId"]}
    # WHEN it is attached, attached again in its own place, and the product hard-deleted
    for _ in range(2):
        s3.put_object(Bucket=stack_images, Key=key, Body=png)
        admin(
            "mutation ($input: AttachProductImageInput!) {"
            " attachProductImage(input: $input) { image { width } } }",
            {"input": attach},
        )
    admin(
        "mutation ($id: ID!) { deleteProduct(id: $id, hard: true) { id } }",
        {"id": attach["productId"]},
    )
    # THEN the bucket is empty, and every call the handler made is one the role grants
    assert s3.list_objects_v2(Bucket=stack_images).get("KeyCount", 0) == 0
    assert by_handler == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}
    assert by_handler <= maintained_s3_actions
    assert recorded_actions["dynamodb"] <= maintained_actions, recorded_actions
    models.images.client.cache_clear()


def test_publish_changes_on_stack_streams_within_role_actions(
    stack: dict[str, Any],
    recorded_actions: dict[str, set[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import events.publisher
    from cli.streams import StreamReader
    from tests.e2e.infra.conftest import CHANGES_ACTIONS_FILE, maintained

    region = Product.Meta.region
    monkeypatch.delenv("AWS_ENDPOINT_URL_EVENTBRIDGE", raising=False)
    # The function's settings, as the stack's environment gives them (handler.py's line).
    monkeypatch.setenv("CATALOG_EVENT_BUS", stack["EventBusName"])
    publish_changes = compose.publisher(Settings.from_env())
    events.publisher.events_client.cache_clear()
    # GIVEN a queue that gets every catalog event on the stack's bus
    sqs = boto3.client("sqs", region_name=region)
    queue_url = sqs.create_queue(QueueName="catalog-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    bridge = boto3.client("events", region_name=region)
    bridge.put_rule(
        Name="all", EventBusName=stack["EventBusName"], EventPattern='{"source": ["catalog"]}'
    )
    bridge.put_targets(
        Rule="all", EventBusName=stack["EventBusName"], Targets=[{"Id": "q", "Arn": queue_arn}]
    )
    # WHEN an admin creates a category, and the stream's records are published
    created = call(
        "/admin/graphql",
        "mutation ($input: UpsertCategoryInput!) { upsertCategory(input: $input) { id } }",
        {"input": {"name": "Garden tools"}},
        groups="[admin]",
    )["upsertCategory"]
    # moto's in-process mock routes DynamoDB Streams calls to DynamoDB ("Not yet
    # implemented"); its server, in this process, reads the same tables.
    with LocalDynamoDB.start_moto() as server:
        tables = (Product.Meta.table_name, Category.Meta.table_name)
        records = StreamReader(server.endpoint_url, tables, region).read()
    recorded_actions["events"].clear()
    result = publish_changes({"Records": records}, None)
    # THEN the queue gets its event, and the function called only what its role grants
    assert result == {"batchItemFailures": []}
    (message,) = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    delivered = json.loads(message["Body"])
    assert (delivered["detail-type"], delivered["detail"]["id"]) == (
        "CategoryCreated",
        created["id"],
    )
    assert recorded_actions["events"] == {"events:PutEvents"}
    assert recorded_actions["events"] <= maintained(CHANGES_ACTIONS_FILE)
    events.publisher.events_client.cache_clear()
