"""Create the catalog's DynamoDB tables from the models, where they are missing."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TableError
from pynamodb.models import Model

from models import MODELS
from store import compat
from store.errors import response_code

BILLING_MODE = "PAY_PER_REQUEST"
# Both tables' streams feed the change events (events/, docs/events.md) and the search
# index (search/, docs/search.md), as the template's StreamSpecification does in AWS.
STREAM_SPECIFICATION = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


def create_tables() -> list[tuple[str, bool]]:
    """Create each model's table unless it exists; each table's name and whether it was made."""
    done = []
    for model in MODELS:
        created = not model.exists()
        if created:
            create_table(model)
        enable_stream(model)
        done.append((model.Meta.table_name, created))
    return done


def create_table(model: type[Model]) -> None:
    """Create the model's table and wait until it is ACTIVE."""
    try:
        model.create_table(billing_mode=BILLING_MODE, wait=True)
    except TableError as error:
        # A table with eight indexes can take DynamoDB Local longer than the client's
        # 2 s read timeout to create: botocore then retries the CreateTable, which finds
        # the table its first attempt made. It exists: wait for it as for any other.
        if response_code(error) != "ResourceInUseException":
            raise
        model.create_table(billing_mode=BILLING_MODE, wait=True)


def enable_stream(model: type[Model]) -> bool:
    """Give the table its stream of new and old images unless it has one; whether it did.

    PynamoDB's create_table takes no stream setting, so a new table gets it here too,
    as a table created by an older release does on the next create-tables or serve;
    that table's earlier items are not in it (docs/search.md says what that means).
    """
    client: Any = compat.connection(model).client
    table = model.Meta.table_name
    described = client.describe_table(TableName=table)["Table"]
    if described.get("StreamSpecification", {}).get("StreamEnabled"):
        return False
    client.update_table(TableName=table, StreamSpecification=STREAM_SPECIFICATION)
    client.get_waiter("table_exists").wait(TableName=table)
    return True
