"""`handler.publish_changes`: DynamoDB stream records to EventBridge, in PutEvents batches.

Each record becomes at most one event (events/changes.py). Entries EventBridge refuses
are put again; the records whose events still fail, and records that cannot be read,
are returned as `batchItemFailures`, so Lambda retries them (and, past the event
source mapping's limits, sends them to its on-failure queue): none is dropped.
Powertools' BatchProcessor hands records to a handler one at a time, which would
make one PutEvents call per event instead of one per ten.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.session import get_session

from events.changes import ChangeEvent, RecordError, change_event, entry_size, kinds

if TYPE_CHECKING:
    from settings import Settings

# PutEvents takes at most 10 entries and 256 KiB in one call.
MAX_ENTRIES = 10
MAX_REQUEST_BYTES = 256 * 1024
# Attempts at the entries EventBridge refused, backing off between them; botocore's
# own retries (standard mode) already cover a throttled or failed call.
PUT_ATTEMPTS = 3
BACKOFF_SECONDS = 0.2
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
BOTOCORE_ATTEMPTS = 3
# The longest one PutEvents call can take, botocore's retries included: a batch is not
# started with less time left, so the function reports its records instead of timing
# out with the whole batch unanswered.
CALL_SECONDS = BOTOCORE_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS)

logger = logging.getLogger("catalog.events")

Sleep = Callable[[float], None]


@functools.cache
def events_client(region: str) -> Any:
    """The EventBridge client, made on first use; AWS_ENDPOINT_URL_EVENTBRIDGE sets its endpoint."""
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": BOTOCORE_ATTEMPTS},
    )
    return get_session().create_client("events", region_name=region, config=config)


def batches(changes: Sequence[ChangeEvent], bus: str) -> Iterator[list[ChangeEvent]]:
    """The changes in request-sized groups: at most 10 entries and 256 KiB each."""
    batch: list[ChangeEvent] = []
    size = 0
    for change in changes:
        entry = entry_size(change.entry(bus))
        if batch and (len(batch) == MAX_ENTRIES or size + entry > MAX_REQUEST_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(change)
        size += entry
    if batch:
        yield batch


class Publisher:
    """The stream-fed Lambda function: puts the records' events on the catalog's bus."""

    def __init__(
        self,
        settings: Settings,
        client: Callable[[str], Any] = events_client,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._settings = settings
        self._client = client
        self._sleep = sleep

    def __call__(self, event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
        """Publish a batch of stream records; the ones to retry as `batchItemFailures`."""
        by_table = kinds(self._settings.products_table, self._settings.categories_table)
        failed: list[str] = []
        changes: list[ChangeEvent] = []
        for record in event.get("Records") or []:
            try:
                change = change_event(record, by_table)
            except RecordError as error:
                failed.append(_sequence(record))
                logger.error(
                    "stream record not published: %s %s (eventID %s)",
                    error.code,
                    error,
                    record.get("eventID") if isinstance(record, Mapping) else None,
                )
                continue
            if change is not None:
                changes.append(change)
        failed += [change.sequence for change in self.put(changes, _time_left(context))]
        return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failed]}

    def put(
        self, changes: Sequence[ChangeEvent], time_left: Callable[[], float] | None = None
    ) -> list[ChangeEvent]:
        """Put the changes on the bus; the ones still refused after every attempt.

        With `time_left` (seconds the invocation has), a batch is put only while one
        call can still finish; the rest are returned as refused, to be retried.
        """
        bus = self._settings.event_bus
        refused: list[ChangeEvent] = []
        for batch in batches(changes, bus):
            if time_left is not None and time_left() < CALL_SECONDS:
                refused += batch
                continue
            refused += self._put_batch(batch, bus)
        return refused

    def _put_batch(self, batch: list[ChangeEvent], bus: str) -> list[ChangeEvent]:
        pending = batch
        for attempt in range(PUT_ATTEMPTS):
            if attempt:
                self._sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
            pending = self._put_once(pending, bus)
            if not pending:
                return []
        logger.error(
            "events not put after %d attempts: %s",
            PUT_ATTEMPTS,
            ", ".join(f"{change.detail_type} {change.detail['eventId']}" for change in pending),
        )
        return pending

    def _put_once(self, batch: list[ChangeEvent], bus: str) -> list[ChangeEvent]:
        """One PutEvents call; the changes whose entries it refused."""
        client = self._client(self._settings.region)
        try:
            response = client.put_events(Entries=[change.entry(bus) for change in batch])
        except (ClientError, BotoCoreError) as error:
            logger.warning("PutEvents failed for %d entries: %s", len(batch), error)
            return batch
        if not response.get("FailedEntryCount"):
            return []
        results = response.get("Entries") or []
        codes = {result.get("ErrorCode") for result in results if result.get("ErrorCode")}
        logger.warning(
            "PutEvents refused %s of %d entries (%s)",
            response["FailedEntryCount"],
            len(batch),
            ", ".join(sorted(codes)),
        )
        if len(results) != len(batch):  # Entries answer the request's entries in order.
            return batch
        return [
            change for change, result in zip(batch, results, strict=True) if result.get("ErrorCode")
        ]


def _time_left(context: Any) -> Callable[[], float] | None:
    """Seconds the Lambda invocation has left, from its context, when it says."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return None
    return lambda: float(remaining()) / 1000


def _sequence(record: Any) -> str:
    """The record's sequence number, which Lambda takes as its item identifier.

    A record without one is reported with an empty identifier, which makes Lambda
    retry the whole batch (and bisect it), rather than lose the record.
    """
    if isinstance(record, Mapping):
        stream = record.get("dynamodb")
        if isinstance(stream, Mapping) and isinstance(stream.get("SequenceNumber"), str):
            return str(stream["SequenceNumber"])
    return ""
