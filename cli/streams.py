"""Read the local tables' DynamoDB streams as Lambda hands their records to a function.

`catalog events` and the tests read DynamoDB Local's and moto's streams with this; in
AWS the event source mapping does the reading.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from botocore.session import get_session

if TYPE_CHECKING:
    from settings import Settings

# GetRecords answers at most 1,000 records a call.
PAGE = 1000


@dataclass
class StreamReader:
    """The records each table's stream holds, from its start, in order, once each.

    Each `read` returns the records written since the previous one, across every shard
    (a new shard is read from its start), shaped as a Lambda DynamoDB stream event's.
    """

    endpoint_url: str | None
    tables: Iterable[str]
    region: str | None = None
    _last: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tables = tuple(self.tables)
        session = get_session()
        self._dynamodb: Any = session.create_client(
            "dynamodb", endpoint_url=self.endpoint_url, region_name=self.region
        )
        self._streams: Any = session.create_client(
            "dynamodbstreams", endpoint_url=self.endpoint_url, region_name=self.region
        )

    def read(self) -> list[dict[str, Any]]:
        """The records written since the last read, ordered by sequence number."""
        records: list[dict[str, Any]] = []
        for table in self.tables:
            arn = self._dynamodb.describe_table(TableName=table)["Table"].get("LatestStreamArn")
            if arn is None:
                continue
            for shard in self._shards(arn):
                records += self._read_shard(arn, shard)
        return sorted(records, key=lambda record: int(record["dynamodb"]["SequenceNumber"]))

    def _shards(self, arn: str) -> list[str]:
        description = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]
        return [shard["ShardId"] for shard in description["Shards"]]

    def _read_shard(self, arn: str, shard: str) -> list[dict[str, Any]]:
        key = (arn, shard)
        last = self._last.get(key)
        records: list[dict[str, Any]] = []
        iterator: str | None = self._iterator(arn, shard, last)
        while iterator is not None:
            page = self._streams.get_records(ShardIterator=iterator, Limit=PAGE)
            fresh = [r for r in page["Records"] if last is None or _after(r, last)]
            records += [lambda_record(record, arn) for record in fresh]
            if not page["Records"]:
                break
            last = page["Records"][-1]["dynamodb"]["SequenceNumber"]
            # A closed shard ends without a next iterator; an open one always has one.
            iterator = page.get("NextShardIterator")
        if last is not None:
            self._last[key] = last
        return records

    def _iterator(self, arn: str, shard: str, last: str | None) -> str:
        """An iterator after the last record read, made now: DynamoDB Local refuses one
        kept from before the shard had records (TrimmedDataAccessException)."""
        position: dict[str, str] = {"ShardIteratorType": "TRIM_HORIZON"}
        if last is not None:
            position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last}
        try:
            response = self._streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **position)
        except self._streams.exceptions.TrimmedDataAccessException:
            response = self._streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            )
        return str(response["ShardIterator"])


def _after(record: dict[str, Any], sequence: str) -> bool:
    return int(record["dynamodb"]["SequenceNumber"]) > int(sequence)


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda delivers it: with its stream's ARN, the time in seconds."""
    stream = dict(record["dynamodb"])
    moment = stream.get("ApproximateCreationDateTime")
    if isinstance(moment, datetime):
        stream["ApproximateCreationDateTime"] = int(moment.timestamp())
    return {**record, "dynamodb": stream, "eventSourceARN": stream_arn}


def print_events(
    settings: Settings,
    *,
    follow: bool,
    out: TextIO = sys.stdout,
    interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """`catalog events`: each change the streams hold as one JSON line, as EventBridge sends it.

    The streams are those of `settings`' tables, at its endpoint. With `follow`, keeps
    reading, every `interval` seconds, until interrupted.
    """
    from events.changes import RecordError, change_event, kinds

    tables = (settings.products_table, settings.categories_table)
    reader = StreamReader(settings.endpoint_url, tables, settings.region)
    by_table = kinds(*tables)
    while True:
        for record in reader.read():
            try:
                change = change_event(record, by_table)
            except RecordError as error:
                print(f"catalog events: {error.code}: {error}", file=sys.stderr, flush=True)
                continue
            if change is not None:
                print(json.dumps(change.envelope(), ensure_ascii=False), file=out, flush=True)
        if not follow:
            return 0
        sleep(interval)
