"""What store/compat.py relies on in PynamoDB and botocore.

Each test fails when the PynamoDB or botocore release in use no longer has the
internal a workaround reaches for: the sign to change it before raising the pin.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.hooks import HierarchicalEmitter
from botocore.stub import Stubber
from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import GetError
from pynamodb.models import Model

from store import compat


class Thing(Model):
    class Meta:
        table_name = "things"
        region = "us-east-1"

    id = UnicodeAttribute(hash_key=True)


def test_connection_is_pynamodbs_private_connection_without_a_client() -> None:
    connection = compat.connection(Thing)

    assert isinstance(connection, Connection)
    # Made lazily: reading it must not build a botocore client (nor reach the network).
    assert compat.existing_client(Thing) is None
    assert compat.connection(Thing) is connection


def test_forget_connection_makes_the_next_one_read_meta_again() -> None:
    before = compat.connection(Thing)
    Thing.Meta.host = "http://127.0.0.1:1"

    compat.forget_connection(Thing)

    after = compat.connection(Thing)
    assert after is not before
    assert after.host == "http://127.0.0.1:1"
    Thing.Meta.host = None
    compat.forget_connection(Thing)


def test_register_once_registers_a_handler_once_per_emitter() -> None:
    emitter = HierarchicalEmitter()
    calls: list[str] = []

    def handler(**_: Any) -> None:
        calls.append("called")

    compat.register_once(emitter, "before-call.dynamodb", handler, "probe")
    compat.register_once(emitter, "before-call.dynamodb", handler, "probe")
    emitter.emit("before-call.dynamodb.GetItem")

    assert calls == ["called"]


def test_hook_models_reaches_clients_made_afterwards() -> None:
    # GIVEN a hook registered before the model has a client
    seen: list[str] = []

    def handler(model: Any, **_: Any) -> None:
        seen.append(model.name)

    compat.forget_connection(Thing)
    compat.hook_models((Thing,), "before-call.dynamodb", handler, "probe-later")

    # WHEN the client is made and called (refused before sending: nothing listens)
    client = compat.connection(Thing).client
    client.meta.events.emit(
        "before-call.dynamodb.DescribeTable",
        model=client.meta.service_model.operation_model("DescribeTable"),
        params={},
        request_signer=None,
        context={},
    )

    # THEN the client copied the session's hook
    assert seen == ["DescribeTable"]
    compat.forget_connection(Thing)


def test_batch_get_across_sends_one_request_for_several_tables() -> None:
    client = compat.connection(Thing).client
    items = {"things": {"Keys": [{"id": {"S": "a"}}]}, "others": {"Keys": [{"id": {"S": "b"}}]}}
    with Stubber(client) as stub:
        stub.add_response(
            "batch_get_item",
            {"Responses": {"things": [{"id": {"S": "a"}}], "others": []}},
            {"RequestItems": items, "ReturnConsumedCapacity": "TOTAL"},
        )

        answer = compat.batch_get_across(Thing, items)

    assert answer["Responses"] == {"things": [{"id": {"S": "a"}}], "others": []}


def test_batch_get_across_fails_as_pynamodbs_reads_fail() -> None:
    # store/errors.py translates PynamoDB's errors (GetError), not botocore's.
    client = compat.connection(Thing).client
    with Stubber(client) as stub:
        stub.add_client_error("batch_get_item", "ProvisionedThroughputExceededException")

        with pytest.raises(GetError) as raised:
            compat.batch_get_across(Thing, {"things": {"Keys": [{"id": {"S": "a"}}]}})

    assert raised.value.cause_response_code == "ProvisionedThroughputExceededException"
