"""Create the catalog's DynamoDB tables from the models, where they are missing."""

from __future__ import annotations

from models import MODELS

BILLING_MODE = "PAY_PER_REQUEST"


def create_tables() -> list[tuple[str, bool]]:
    """Create each model's table unless it exists; each table's name and whether it was made."""
    done = []
    for model in MODELS:
        created = not model.exists()
        if created:
            model.create_table(billing_mode=BILLING_MODE, wait=True)
        done.append((model.Meta.table_name, created))
    return done
