"""moto's streams in a long test run: transactions that do not copy them, and a trim.

To undo a failed transaction, moto 5 keeps a `copy.deepcopy` of each table it writes,
and the copy takes the table's stream with it: every record since the table was made,
since moto never trims a stream. The tests' tables get a stream each (search and change
events read them) and thousands of writes, so each transaction grew slower the longer a
test process ran: in tests/functional/test_sorted_lists.py on moto, from ~15 ms to over
the request's 4 s deadline after ~90 tests (73 % of the sampled time in `deepcopy`).

A record is made once and never changed, so the copy may share the records and needs
only a list of its own: a failed transaction still takes back the records its writes
added, and no later record is lost. Revisit when moto stops deep-copying whole tables
in `transact_write_items` (tests/unit/test_moto_streams.py fails then).

DynamoDB drops a stream's records after 24 hours; moto keeps them all, and a search
index starts by reading its tables' streams from their oldest record. Late in a test
worker that was every write of the run: the first search of a module timed out
reading tens of thousands of records. `trim_streams` drops them, as time would.

DynamoDB runs a TransactWriteItems whose ClientRequestToken it has seen succeed in the
last 10 minutes only once, and answers the repeat as it answered the first: botocore
fills the token in and resends the same one when an answer is lost (a read timeout).
moto ignores the token, so on a loaded machine a resent transaction ran again, failed
its version conditions, and a bulk upsert took its written products for lost races and
wrote each again alone (`honour_client_request_tokens` keeps DynamoDB's behaviour).

moto's server answers each request on a thread of its own, and a transaction
deep-copies its tables: on a loaded CI machine a resent transaction (botocore's retry
after a read timeout) met the first one still running, and the copy failed with
"dictionary changed size during iteration" (a 500). So transactions run one at a time
here, and a resend waits for the first answer and gets it back by its token. (Serializing
every moto request instead made the moto-heavy tests about 15 % slower.)
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from typing import Any

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import StreamShard
from moto.dynamodb.responses import DynamoHandler

# How many succeeded transactions' answers are kept for their tokens (DynamoDB keeps
# them 10 minutes; a test run's resends come within seconds).
KEPT_TOKENS = 1000
_answers: OrderedDict[str, Any] = OrderedDict()
# One transaction at a time in this process's moto.
_one_at_a_time = threading.Lock()


def _copy_shard(shard: StreamShard, memo: dict[int, Any]) -> StreamShard:
    copied = copy.copy(shard)
    # The copy of the table being copied, which copy.deepcopy has already made.
    copied.table = memo.get(id(shard.table), shard.table)
    copied.items = list(shard.items)
    return copied


def share_stream_records() -> None:
    """Copy a table's stream with its records shared, from now on, in this process."""
    StreamShard.__deepcopy__ = _copy_shard  # type: ignore[attr-defined]


def trim_streams() -> None:
    """Drop every record of this process's moto tables' streams, as DynamoDB drops the
    ones 24 hours old: sequence numbers go on from where they were, and an iterator
    from TRIM_HORIZON starts after the records dropped. Readers of the streams are to
    be stopped first: an iterator of a dropped record is no longer served."""
    for regions in dynamodb_backends.values():
        for backend in regions.values():
            for table in backend.tables.values():
                shard = table.stream_shard
                if shard is not None:
                    shard.starting_sequence_number += len(shard.items)
                    shard.items = []


def honour_client_request_tokens() -> None:
    """Run transactions one at a time, and once per ClientRequestToken as DynamoDB does,
    from now on, in this process: a repeat of one that succeeded gets the first answer."""
    original = DynamoHandler.transact_write_items
    if getattr(original, "honours_tokens", False):
        return

    def transact_write_items(self: DynamoHandler) -> Any:
        token = self.body.get("ClientRequestToken")
        with _one_at_a_time:
            if token is not None and token in _answers:
                return _answers[token]
            answer = original(self)
            if token is not None:
                _answers[token] = answer
                if len(_answers) > KEPT_TOKENS:
                    _answers.popitem(last=False)
            return answer

    transact_write_items.honours_tokens = True  # type: ignore[attr-defined]
    DynamoHandler.transact_write_items = transact_write_items  # type: ignore[method-assign]
