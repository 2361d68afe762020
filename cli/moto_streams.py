"""moto's TransactWriteItems, without copying every stream record the table ever had.

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
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.models.table import StreamShard


def _copy_shard(shard: StreamShard, memo: dict[int, Any]) -> StreamShard:
    copied = copy.copy(shard)
    # The copy of the table being copied, which copy.deepcopy has already made.
    copied.table = memo.get(id(shard.table), shard.table)
    copied.items = list(shard.items)
    return copied


def share_stream_records() -> None:
    """Copy a table's stream with its records shared, from now on, in this process."""
    StreamShard.__deepcopy__ = _copy_shard  # type: ignore[attr-defined]
