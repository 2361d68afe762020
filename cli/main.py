"""The `catalog` command: tables, sample data and the schema file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from botocore.exceptions import BotoCoreError
from pynamodb.exceptions import PynamoDBException

# Each command imports what reads the settings only when it runs.


def create_tables(_args: argparse.Namespace) -> int:
    from cli.tables import create_tables

    for table, created in create_tables():
        print(f"Created table {table}" if created else f"Table {table} exists")
    return 0


def seed(_args: argparse.Namespace) -> int:
    from cli.seed import seed

    report = seed()
    for line in report.lines():
        print(line)
    for failure in report.failures:
        print(f"catalog seed: not written: {failure}", file=sys.stderr)
    return 1 if report.failures else 0


def export_schema(args: argparse.Namespace) -> int:
    from schema.root import schema

    text = schema.as_str() + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="catalog", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    command = commands.add_parser(
        "create-tables", help="create the DynamoDB tables that are missing (safe to rerun)"
    )
    command.set_defaults(run=create_tables)

    command = commands.add_parser(
        "seed", help="write the sample catalog: 5 categories, 50 products (safe to rerun)"
    )
    command.set_defaults(run=seed)

    command = commands.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    command.add_argument(
        "--output", default="schema.graphql", help="file to write, or - for stdout"
    )
    command.set_defaults(run=export_schema)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except (PynamoDBException, BotoCoreError) as error:
        print(f"catalog {args.command}: DynamoDB error: {error}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
