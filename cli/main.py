"""The `catalog` command: tables, sample data, the schema file and the local server."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError
from pynamodb.exceptions import PynamoDBException

from settings import SettingsError

if TYPE_CHECKING:
    from settings import Settings

# Each command reads the settings when it runs (`serve` may first have to start a
# local DynamoDB and point the environment at it), and imports what it needs then.

# What `serve` needs beyond the Lambda's own dependencies: pyproject's `local` extra.
LOCAL_EXTRA = frozenset({"uvicorn", "moto"})


def _bound_store() -> Settings:
    """Settings read from the environment, and the store pointed at their tables."""
    import compose
    from settings import Settings

    settings = Settings.from_env()
    compose.bind_store(settings)
    return settings


def create_tables(_args: argparse.Namespace) -> int:
    from cli.tables import create_tables

    _bound_store()
    for table, created in create_tables():
        print(f"Created table {table}" if created else f"Table {table} exists")
    return 0


def seed(_args: argparse.Namespace) -> int:
    from cli.seed import seed

    _bound_store()
    report = seed()
    for line in report.lines():
        print(line)
    for failure in report.failures:
        print(f"catalog seed: not written: {failure}", file=sys.stderr)
    return 1 if report.failures else 0


def migrate(args: argparse.Namespace) -> int:
    from cli.migrate import MigrationReport, migrate

    _bound_store()

    def progress(report: MigrationReport) -> None:
        state = "done" if report.complete else f"resume with --resume-after {report.position}"
        print(
            f"examined {report.examined}, updated {report.updated}, "
            f"changed meanwhile {report.raced}; {state}",
            flush=True,
        )

    migrate(
        rate=args.rate,
        page_size=args.page_size,
        resume_after=args.resume_after,
        max_items=args.max_items,
        progress=progress,
    )
    return 0


def events(args: argparse.Namespace) -> int:
    from cli.streams import print_events

    settings = _bound_store()
    try:
        return print_events(settings, follow=args.follow)
    except KeyboardInterrupt:
        return 0


def reindex(_args: argparse.Namespace) -> int:
    import tempfile

    import compose
    from search.backfill import reindex
    from search.snapshots import SnapshotStore, SnapshotWriter, s3_client
    from settings import Settings

    settings = Settings.from_env()
    if not settings.search_bucket:
        print("catalog reindex: set CATALOG_SEARCH_BUCKET to the stack's", file=sys.stderr)
        return 1
    # The backfill scans the tables the settings name.
    compose.bind_store(settings)
    store = SnapshotStore(
        s3_client(settings.region), settings.search_bucket, settings.search_prefix
    )
    with tempfile.TemporaryDirectory() as work:
        published = reindex(SnapshotWriter(store, Path(work)))
    newest = published[-1].version if published else "none (nothing new)"
    print(f"published {len(published)} snapshots; the newest: {newest}")
    return 0


def export(args: argparse.Namespace) -> int:
    from cli.bulk_files import JSONL, format_of
    from cli.export import export

    try:
        file_format = format_of(args.out or "", args.format) if args.out else args.format or JSONL
    except ValueError as error:
        print(f"catalog export: {error}", file=sys.stderr)
        return 2
    _bound_store()
    if args.out is None:
        report = export(sys.stdout, file_format, include_deleted=args.include_deleted)
    else:
        # newline="": the CSV module writes RFC 4180's CRLF itself, JSON Lines writes \n.
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            report = export(out, file_format, include_deleted=args.include_deleted)
    print(f"exported {report.categories} categories, {report.products} products", file=sys.stderr)
    return 0


def import_file(args: argparse.Namespace) -> int:
    from cli.bulk_files import format_of
    from cli.bulk_import import BadFile, run_import
    from errors import ServiceUnavailable

    path = Path(args.file)
    try:
        file_format = format_of(args.file, args.format)
    except ValueError as error:
        print(f"catalog import: {error}", file=sys.stderr)
        return 2
    if bool(args.url) != bool(args.token):
        print("catalog import: --url and --token go together", file=sys.stderr)
        return 2
    if not path.is_file():
        print(f"catalog import: {path} is not a file", file=sys.stderr)
        return 2
    if not args.url:
        _bound_store()
    bar = ProgressBar() if sys.stderr.isatty() else None
    try:
        report = run_import(
            path,
            file_format,
            rate=args.rate,
            resume=args.resume,
            dry_run=args.dry_run,
            url=args.url,
            token=args.token,
            progress=bar.line if bar else lambda line: print(line, file=sys.stderr, flush=True),
            advance=bar.advance if bar else None,
        )
    except BadFile as error:
        print(f"catalog import: {error}", file=sys.stderr)
        return 2
    except ServiceUnavailable as error:
        print(f"catalog import: {error.message} --resume continues later", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("catalog import: interrupted; --resume continues where it stopped", file=sys.stderr)
        return 130
    finally:
        if bar:
            bar.close()
    print(report.counts())
    return 1 if report.rejected_count else 0


class ProgressBar:
    """`catalog import`'s bar on a terminal: rows done, rate and ETA (tqdm)."""

    def __init__(self) -> None:
        self._bar: Any = None

    def advance(self, rows: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm  # type: ignore[import-untyped]

            self._bar = tqdm(total=total, unit="rows", file=sys.stderr)
        self._bar.update(rows)

    def line(self, text: str) -> None:
        """A line above the bar (a rejected row)."""
        if self._bar is None:
            print(text, file=sys.stderr, flush=True)
        else:
            self._bar.write(text, file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def export_schema(args: argparse.Namespace) -> int:
    from schema.root import build_schema
    from settings import Settings

    text = build_schema(Settings.from_env()).as_str() + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}")
    return 0


def serve(args: argparse.Namespace) -> int:
    # After a plain `pip install .` the extra is missing: uvicorn fails the import, moto
    # only the fallback when DynamoDB Local cannot run. One line, not a traceback.
    try:
        from cli.serve import serve

        return serve(args.host, args.port)
    except ModuleNotFoundError as error:
        package = (error.name or "").partition(".")[0]
        if package not in LOCAL_EXTRA:
            raise
        print(
            f"catalog serve: {package} is not installed; it comes with the local extra: "
            "pip install 'catalog-api[local]'",
            file=sys.stderr,
        )
        return 1


def _positive(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return number


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="catalog", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    command = commands.add_parser(
        "create-tables", help="create the DynamoDB tables that are missing (safe to rerun)"
    )
    command.set_defaults(run=create_tables)

    command = commands.add_parser(
        "seed", help="write the sample catalog: a tree of 11 categories, 50 products (rerunnable)"
    )
    command.set_defaults(run=seed)

    command = commands.add_parser(
        "migrate",
        help="derive the list keys this release adds for products written before it, and "
        "give every product and category a slug (idempotent, resumable, paced)",
        description="Run after this release serves every request (docs/lists.md, "
        "Upgrading). Prints its position as it goes; --resume-after continues there.",
    )
    command.add_argument(
        "--rate",
        type=_positive,
        default=25.0,
        help="items examined per second at most (default %(default)s)",
    )
    command.add_argument(
        "--page-size", type=int, default=100, help="items per Scan page (default %(default)s)"
    )
    command.add_argument(
        "--resume-after", help="the position a previous run printed (an id, or categories/<id>)"
    )
    command.add_argument("--max-items", type=int, help="stop after examining this many")
    command.set_defaults(run=migrate)

    command = commands.add_parser(
        "events",
        help="print the catalog change events the tables' streams hold, as JSON lines",
        description="Each line is what EventBridge, and a webhook, receives for one change "
        "(docs/events.md). Without --follow, prints what the streams hold now and exits.",
    )
    command.add_argument(
        "--follow", action="store_true", help="keep printing new events until Ctrl-C"
    )
    command.set_defaults(run=events)

    command = commands.add_parser(
        "reindex",
        help="put every item of the tables in the search index's snapshots (a one-off "
        "backfill; needs CATALOG_SEARCH_BUCKET)",
        description="For a stack whose tables hold items older than their streams' 24 "
        "hours (docs/search.md, Freshness). Scans both tables once; changes the indexer "
        "applies always win over what it read.",
    )
    command.set_defaults(run=reindex)

    command = commands.add_parser(
        "export",
        help="write the catalog to a JSON Lines (lossless) or CSV (products) file",
        description="JSON Lines: categories, then products, with the API's field names "
        "(docs/bulk.md). CSV: products only, for spreadsheets. Reads the tables the "
        "settings name, page by page.",
    )
    command.add_argument("--out", help="file to write (default: standard output)")
    command.add_argument(
        "--format", choices=("jsonl", "csv"), help="default: the --out file's extension, or jsonl"
    )
    command.add_argument(
        "--include-deleted", action="store_true", help="export soft-deleted items too"
    )
    command.set_defaults(run=export)

    command = commands.add_parser(
        "import",
        help="write a JSON Lines or CSV file's categories and products (idempotent, "
        "resumable, paced)",
        description="Each row is checked as the API checks it; rejected rows go to "
        "FILE.rejects and make the exit status 1 (docs/bulk.md).",
    )
    command.add_argument("file", help="the file to import, as catalog export writes it")
    command.add_argument("--format", choices=("jsonl", "csv"), help="default: the extension")
    command.add_argument(
        "--rate", type=_positive, default=100.0, help="rows per second at most (default 100)"
    )
    command.add_argument(
        "--resume", action="store_true", help="continue an interrupted import of this file"
    )
    command.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    command.add_argument("--url", help="a deployed admin route: send upsertProducts batches")
    command.add_argument("--token", help="the admin's bearer token for --url")
    command.set_defaults(run=import_file)

    command = commands.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    command.add_argument(
        "--output", default="schema.graphql", help="file to write, or - for stdout"
    )
    command.set_defaults(run=export_schema)

    command = commands.add_parser(
        "serve",
        help="serve the API locally, over DynamoDB Local (or moto without Java)",
        description="Serve /graphql (public, with GraphiQL) and /admin/graphql (as an "
        "admin). Without AWS_ENDPOINT_URL_DYNAMODB, start DynamoDB Local with its data "
        "in .data/dynamodb, or moto in memory when Java or the jar is missing.",
    )
    command.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default %(default)s)"
    )
    command.add_argument(
        "--port",
        type=int,
        default=8000,
        help="port to bind, 0 for any free one (default %(default)s)",
    )
    command.set_defaults(run=serve)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except (PynamoDBException, BotoCoreError) as error:
        print(f"catalog {args.command}: DynamoDB error: {error}", file=sys.stderr)
        return 1
    except SettingsError as error:
        print(f"catalog {args.command}: {error}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
