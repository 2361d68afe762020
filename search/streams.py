"""A local index kept current from the tables' DynamoDB streams, in the serving process.

Without a search bucket (`catalog serve`, tests) the process reads both tables' streams
itself, through the endpoint, region and tables of the settings the store is bound to
(`AWS_ENDPOINT_URL_DYNAMODB`, which DynamoDB Local and moto both serve streams on): the
whole stream from TRIM_HORIZON on the first search, then every POLL_SECONDS on a daemon
thread. The tables are never scanned.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from search.engine import SearchIndex
from search.records import change, claim_record, kinds, table_of

if TYPE_CHECKING:
    from settings import Settings

logger = logging.getLogger("catalog")

POLL_SECONDS = 0.25
# New shards (a stream rolls over to new ones now and then) are looked for this often,
# and whenever a shard is closed.
DISCOVER_SECONDS = 5.0
# The first search waits until the streams are read to their end, within this bound.
CATCH_UP_ROUNDS = 1000
# An iterator that expired, or that DynamoDB Local no longer accepts once records
# arrive after a read of an empty shard.
RESTART_CODES = frozenset({"ExpiredIteratorException", "TrimmedDataAccessException"})
_CONFIG = Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 3})


@dataclass
class Shard:
    """Where reading one shard has got to."""

    stream_arn: str
    shard_id: str
    parent: str | None
    iterator: str | None = None
    last_sequence: str | None = None
    done: bool = False


class StreamFollower:
    """Keeps a SearchIndex current from the tables' streams."""

    def __init__(self, dynamodb: Any, streams: Any, kind_of: dict[str, str]) -> None:
        self.dynamodb = dynamodb
        self.streams = streams
        self.index = SearchIndex()
        # By stream and shard id: moto gives both tables' first shards the same id.
        self.shards: dict[tuple[str, str], Shard] = {}
        # What each followed table's items are in the index, by table name.
        self.kind_of = kind_of
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._poll_lock = threading.Lock()
        self._next_discovery = 0.0
        # A shard read to its end: its children are to be found at once.
        self._shard_closed = False

    @classmethod
    def of_settings(cls, settings: Settings) -> StreamFollower:
        """A follower of the settings' tables, caught up and running.

        Through the settings' region and endpoint, the ones the composition root binds
        the store to (tests point them at moto or DynamoDB Local), so it reads the
        tables the API writes.
        """
        region, endpoint = settings.region, settings.endpoint_url
        session = botocore.session.get_session()
        follower = cls(
            session.create_client(
                "dynamodb", region_name=region, endpoint_url=endpoint, config=_CONFIG
            ),
            session.create_client(
                "dynamodbstreams", region_name=region, endpoint_url=endpoint, config=_CONFIG
            ),
            kinds(settings.products_table, settings.categories_table),
        )
        follower.catch_up()
        follower.run()
        return follower

    def current(self) -> SearchIndex:
        return self.index

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def catch_up(self) -> None:
        """Read every stream to its end now."""
        for _ in range(CATCH_UP_ROUNDS):
            if not self.poll():
                return

    def run(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="search-streams", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        failing = False
        while not self._stop.wait(POLL_SECONDS):
            try:
                self.poll()
            except (BotoCoreError, ClientError) as error:
                # Once per outage, not four times a second (a stopped local DynamoDB).
                if not failing:
                    logger.warning("search: reading the tables' streams failed: %s", error)
                failing = True
            else:
                failing = False

    def poll(self) -> int:
        """Read what the streams hold beyond what was read; how many records came."""
        with self._poll_lock:
            now = time.monotonic()
            if now >= self._next_discovery or self._shard_closed:
                self._discover()
                self._next_discovery = now + DISCOVER_SECONDS
                self._shard_closed = False
            records = 0
            for shard in list(self.shards.values()):
                parent = self.shards.get((shard.stream_arn, shard.parent or ""))
                if shard.done or (parent is not None and not parent.done):
                    continue
                records += self._read(shard)
            return records

    def _discover(self) -> None:
        for table in self.kind_of:
            description = self.dynamodb.describe_table(TableName=table)["Table"]
            stream_arn = description.get("LatestStreamArn")
            if not stream_arn or not description.get("StreamSpecification", {}).get(
                "StreamEnabled", True
            ):
                continue
            start: dict[str, str] = {}
            while True:
                stream = self.streams.describe_stream(StreamArn=stream_arn, **start)
                stream = stream["StreamDescription"]
                for shard in stream.get("Shards", []):
                    if (stream_arn, shard["ShardId"]) not in self.shards:
                        self.shards[stream_arn, shard["ShardId"]] = Shard(
                            stream_arn, shard["ShardId"], shard.get("ParentShardId")
                        )
                last = stream.get("LastEvaluatedShardId")
                if not last:
                    break
                start = {"ExclusiveStartShardId": last}

    def _read(self, shard: Shard) -> int:
        if shard.iterator is None:
            where: dict[str, str] = {"ShardIteratorType": "TRIM_HORIZON"}
            if shard.last_sequence is not None:
                where = {
                    "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                    "SequenceNumber": shard.last_sequence,
                }
            shard.iterator = self.streams.get_shard_iterator(
                StreamArn=shard.stream_arn, ShardId=shard.shard_id, **where
            )["ShardIterator"]
        try:
            answer = self.streams.get_records(ShardIterator=shard.iterator, Limit=1000)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in RESTART_CODES:
                # Start again after the last record read (or from the start): records
                # read twice are skipped by their position.
                shard.iterator = None
                return 0
            raise
        records = answer.get("Records", [])
        kind = self.kind_of[table_of(shard.stream_arn)]
        if records:
            self.index.apply(change(kind, record) for record in records if not claim_record(record))
            shard.last_sequence = records[-1]["dynamodb"]["SequenceNumber"]
        shard.iterator = answer.get("NextShardIterator")
        if shard.iterator is None:
            shard.done = True
            self._shard_closed = True
        return len(records)
