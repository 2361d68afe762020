"""Create the catalog's DynamoDB tables from the models, where they are missing."""

from __future__ import annotations

from pynamodb.exceptions import TableError
from pynamodb.models import Model

from models import MODELS
from store.errors import response_code

BILLING_MODE = "PAY_PER_REQUEST"


def create_tables() -> list[tuple[str, bool]]:
    """Create each model's table unless it exists; each table's name and whether it was made."""
    done = []
    for model in MODELS:
        created = not model.exists()
        if created:
            create_table(model)
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
