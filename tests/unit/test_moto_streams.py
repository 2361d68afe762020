"""moto's streams in a long test run (cli/moto_streams.py): transactions share their
records instead of deep-copying them, and a trim drops them as DynamoDB does in time."""

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
from moto.dynamodbstreams.models import dynamodbstreams_backends

from cli.moto_streams import honour_client_request_tokens, share_stream_records, trim_streams

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


def test_a_resent_transaction_with_its_token_runs_once(dynamodb: Any) -> None:
    # GIVEN a transaction that succeeded, whose answer botocore did not see
    honour_client_request_tokens()
    items = [put("b", condition="attribute_not_exists(id)")]
    dynamodb.transact_write_items(TransactItems=items, ClientRequestToken="resent")

    # WHEN botocore sends it again with its token, THEN it succeeds without running
    # again (its condition would fail now), as DynamoDB answers a repeat
    dynamodb.transact_write_items(TransactItems=items, ClientRequestToken="resent")
    assert stream_events(dynamodb) == [("INSERT", "b")]

    # AND another token runs the transaction again, and fails its condition
    with pytest.raises(ClientError, match="TransactionCanceled"):
        dynamodb.transact_write_items(TransactItems=items, ClientRequestToken="another")


def test_moto_still_deep_copies_whole_tables_in_transactions() -> None:
    # When this fails, moto no longer copies the tables: cli/moto_streams.py can go.
    assert "copy.deepcopy(" in inspect.getsource(DynamoDBBackend.transact_write_items)


def read_from_trim_horizon(client: Any) -> list[tuple[str, str, int]]:
    arn = client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    streams = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    shard = streams.describe_stream(arn)["Shards"][0]
    iterator = streams.get_shard_iterator(arn, shard["ShardId"], "TRIM_HORIZON")
    records = streams.get_records(iterator.arn, 1000)["Records"]
    return [
        (
            r["eventName"],
            r["dynamodb"]["Keys"]["id"]["S"],
            int(r["dynamodb"]["SequenceNumber"]),
        )
        for r in records
    ]


def test_a_trimmed_stream_is_read_from_the_first_record_after_the_trim(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "a"}})
    [(_, _, before)] = read_from_trim_horizon(dynamodb)

    trim_streams()
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "b"}})

    [(event, key, after)] = read_from_trim_horizon(dynamodb)
    assert (event, key) == ("INSERT", "b")
    assert after > before
