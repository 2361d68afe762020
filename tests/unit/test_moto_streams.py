"""moto's transactions with streams shared, not deep-copied (cli/moto_streams.py)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends

from cli.moto_streams import share_stream_records

TABLE = "streamed"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    share_stream_records()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def stream_events(client: Any) -> list[tuple[str, str]]:
    # Read from moto's backend: `mock_aws` does not route the DynamoDB Streams API.
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables[TABLE]
    assert table.stream_shard is not None
    records = [record.record for record in table.stream_shard.items]
    return [(r["eventName"], r["dynamodb"]["Keys"]["id"]["S"]) for r in records]


def put(key: str, condition: str | None = None) -> dict[str, Any]:
    put: dict[str, Any] = {"TableName": TABLE, "Item": {"id": {"S": key}}}
    if condition:
        put["ConditionExpression"] = condition
    return {"Put": put}


def test_a_committed_transaction_keeps_its_stream_records(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "a"}})

    dynamodb.transact_write_items(TransactItems=[put("b"), put("c")])

    assert stream_events(dynamodb) == [("INSERT", "a"), ("INSERT", "b"), ("INSERT", "c")]


def test_a_failed_transaction_takes_back_its_items_and_stream_records(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "a"}})

    with pytest.raises(ClientError, match="TransactionCanceled"):
        dynamodb.transact_write_items(
            TransactItems=[put("b"), put("a", condition="attribute_not_exists(id)")]
        )
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "d"}})

    assert stream_events(dynamodb) == [("INSERT", "a"), ("INSERT", "d")]
    assert "Item" not in dynamodb.get_item(TableName=TABLE, Key={"id": {"S": "b"}})


def test_moto_still_deep_copies_whole_tables_in_transactions() -> None:
    # When this fails, moto no longer copies the tables: cli/moto_streams.py can go.
    assert "copy.deepcopy(" in inspect.getsource(DynamoDBBackend.transact_write_items)
