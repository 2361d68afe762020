"""`catalog import`: a JSON Lines or CSV file into the catalog, as the API would write it.

Every product row goes through `upsertProducts`' own code (resolvers/product_bulk.py),
100 rows a batch: directly against the tables the settings name, or, with a URL and a
token, as `upsertProducts` requests to a deployed admin route. Idempotent (a row equal
to the stored item is not written), resumable (a state file beside the input records
the last line whose batch was written) and paced (`rate` rows per second).
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TextIO, TypeVar

from cli.bulk_files import CSV, CSV_HEADER, JSONL, PRODUCT_FIELDS
from errors import BadUserInput, CatalogError, ServiceUnavailable
from models import Category, Product
from models.base import values
from resolvers import categories, product_bulk, products, validation
from resolvers.product_bulk import BulkInput
from schema.scalars import parse_decimal
from store.entities import get, get_many

BATCH = product_bulk.MAX_INPUTS
R = TypeVar("R")
# Rows per second by default: each product write also writes its list indexes, whose
# busiest partition (all live, in-stock products) takes 1,000 write units a second,
# and a transaction costs two: 100 a second leaves room for the API's own writes.
DEFAULT_RATE = 100.0
MAX_BACKOFFS = 6
# The codes of a single write's refusal that concern its row, not the whole import.
ROW_CODES = frozenset({"BAD_USER_INPUT", "CONFLICT", "NOT_FOUND"})
# The API's input fields by their public names, for the rows' cells and keys.
INPUT_FIELDS = {
    name: attribute
    for attribute, name in PRODUCT_FIELDS.items()
    if attribute
    in ("name", "description", "price", "currency", "stock", "image_url", "category_id", "slug")
}


# The API's category input fields by the attribute names `upsert_category` takes, where
# they differ.
CATEGORY_INPUTS = {"parent_id": "parentId"}


class BadFile(Exception):
    """A file that cannot be imported at all: not UTF-8, wrong header, broken JSON."""


@dataclass
class Row:
    """One row of the file: where it starts, its text as it was, and what it holds."""

    line: int
    raw: str
    kind: str
    fields: dict[str, Any]


@dataclass
class Rejected:
    line: int
    field: str | None
    reason: str
    raw: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    # Rows rejected by the run this one resumes.
    earlier_rejected: int = 0

    @property
    def rejected_count(self) -> int:
        return self.earlier_rejected + len(self.rejected)

    def counts(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected_count}"
        )


def read_rows(path: Path, file_format: str) -> list[Row]:
    """Every row of the file, or BadFile naming what is wrong with it."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BadFile(f"{path} is not UTF-8 text (line {line}, byte {error.start})") from None
    return _jsonl_rows(text) if file_format == JSONL else _csv_rows(text)


def _jsonl_rows(text: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise BadFile(f"invalid JSON on line {number}: {error.msg}") from None
        if not isinstance(value, dict):
            raise BadFile(f"invalid JSON on line {number}: expected an object")
        rows.append(Row(number, line, str(value.get("type")), value))
    return rows


def _csv_rows(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadFile(
            "the CSV file is empty: it needs the header " + ",".join(CSV_HEADER)
        ) from None
    if tuple(header) != CSV_HEADER:
        raise BadFile(
            f"wrong CSV header on line 1: expected {','.join(CSV_HEADER)}, found {','.join(header)}"
        )
    rows = []
    start = reader.line_num + 1
    for cells in reader:
        if cells and len(cells) != len(CSV_HEADER):
            raise BadFile(f"line {start}: {len(cells)} cells, the header has {len(CSV_HEADER)}")
        if cells:
            # An empty cell is a null; stock and currency empty keep their defaults.
            fields: dict[str, Any] = {
                name: value or None
                for name, value in zip(CSV_HEADER, cells, strict=True)
                if value != "" or name not in ("stock", "currency")
            }
            rows.append(Row(start, _csv_line(cells), "product", fields))
        start = reader.line_num + 1
    return rows


def _csv_line(cells: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def product_input(fields: dict[str, Any]) -> BulkInput:
    """A row's product as `upsertProduct` takes it; BadUserInput for cells the API's
    scalars would refuse (a price or a stock that is not a number)."""
    changes: dict[str, Any] = {}
    for name, attribute in INPUT_FIELDS.items():
        if name not in fields:
            continue
        value = fields[name]
        if name == "slug" and value in (None, ""):
            # No slug given (a spreadsheet's empty cell): made from the name on create.
            continue
        if name == "price" and value is not None:
            try:
                value = parse_decimal(value)
            except ValueError as error:
                raise BadUserInput(str(error), field="price") from None
        if name == "stock" and value is not None:
            value = _whole_number(value)
        elif name != "price" and value is not None and not isinstance(value, str):
            # What GraphQL's String scalar refuses (a JSON number or list for a name).
            raise BadUserInput(f"{name} must be a string.", field=name)
        changes[attribute] = value
    product_id = fields.get("id")
    if not product_id:
        # Without an id every import of the row would create another product.
        raise BadUserInput("id is required to import a product.", field="id")
    return BulkInput(str(product_id), changes, None)


def _whole_number(value: Any) -> int:
    """A stock cell: an integer, or its decimal digits as text (what the Int scalar takes)."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise BadUserInput("stock must be a whole number.", field="stock")


def unchanged(stored: Product | None, given: BulkInput, *, deleted: bool = False) -> bool:
    """Whether the row (`deleted`: with a deletedAt), checked as the API checks it,
    equals the stored product."""
    if stored is None or (stored.deleted_at is not None) != deleted:
        return False
    changes = products.checked_upsert(given.product_id, given.changes, None)
    current = values(stored)
    return all(current.get(name) == value for name, value in changes.items())


class Sender:
    """Where the batches go: the tables directly, or a deployed admin route."""

    def __init__(self, url: str | None, token: str | None, dry_run: bool) -> None:
        self.url, self.token, self.dry_run = url, token, dry_run
        # Categories a dry run would have written, for the products after them.
        self.planned_categories: set[str] = set()
        # The line of each category of the file, for the parents its children name.
        self.category_lines: dict[str, int] = {}

    def products(
        self, inputs: list[BulkInput], stored: Mapping[str, Product]
    ) -> list[tuple[str | None, CatalogError | None]]:
        """Each input's outcome: `created`/`updated`, or its error. `stored`: the inputs'
        stored products, just read (consistently) to leave out the unchanged rows."""
        if self.url:
            return self._remote(inputs)
        results = product_bulk.upsert_products(
            inputs, write=not self.dry_run, live=self.planned_categories, stored=stored
        )
        return [
            (None, result.error)
            if result.error
            else ("updated" if given.product_id in stored else "created", None)
            for given, result in zip(inputs, results, strict=True)
        ]

    def category(self, category_id: str, changes: dict[str, Any], *, deleted: bool) -> bool:
        """Write one category (then soft-delete it when `deleted`); whether it was new."""
        if not category_id:
            raise BadUserInput("id is required to import a category.", field="id")
        if self.dry_run:
            validation.item_id(category_id)
            validation.fields(changes, validation.CATEGORY_FIELDS)
            self._check_parent(changes.get("parent_id"))
            if not deleted:
                self.planned_categories.add(category_id)
            return True
        if self.url:
            return self._remote_category(category_id, changes, deleted=deleted)
        category = categories.upsert_category(category_id, changes, None)
        if deleted:
            categories.delete_category(category_id, hard=False, expected_version=None)
        return int(category.version) == 1

    def _check_parent(self, parent_id: str | None) -> None:
        """A dry run's check of a parent: planned before, or live in the table (over the
        API the import cannot look, and the server checks)."""
        if parent_id is None or parent_id in self.planned_categories or self.url:
            return
        parent = get(Category, parent_id, consistent=True)
        if parent is None or parent.deleted_at is not None:
            raise BadUserInput(
                f"parentId {parent_id} does not name a live category, in the table or on an "
                "earlier line of the file.",
                field="parentId",
            )

    def _remote_category(self, category_id: str, changes: dict[str, Any], *, deleted: bool) -> bool:
        given = {CATEGORY_INPUTS.get(name, name): value for name, value in changes.items()}
        data = self._send(
            "mutation Import($input: UpsertCategoryInput!) "
            "{ upsertCategory(input: $input) { version } }",
            {"input": {"id": category_id, **given}},
            refused_per_row=True,
        )
        if deleted:
            self._send(
                "mutation Delete($id: ID!) { deleteCategory(id: $id) { id } }",
                {"id": category_id},
                refused_per_row=True,
            )
        return int(data["upsertCategory"]["version"]) == 1

    def _send(
        self, query: str, variables: dict[str, Any], *, refused_per_row: bool = False
    ) -> dict[str, Any]:
        """POST one operation to the admin route; its `data`. A refusal of the whole
        request (auth, throttling) ends the import; a row's own (`refused_per_row`, a
        single upsert's BAD_USER_INPUT) is that row's CatalogError."""
        request = urllib.request.Request(
            self.url or "",
            data=json.dumps({"query": query, "variables": variables}).encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {self.token}"},
        )
        body = _answer(request)
        if body.get("errors"):
            error = body["errors"][0]
            code = (error.get("extensions") or {}).get("code", "")
            if code == "SERVICE_UNAVAILABLE":
                raise ServiceUnavailable(error["message"])
            if refused_per_row and code in ROW_CODES:
                refused = CatalogError(error["message"])
                refused.code = code
                raise refused
            raise BadFile(f"the API refused a batch: {code} {error['message']}")
        return body["data"]  # type: ignore[no-any-return]

    def _remote(self, inputs: list[BulkInput]) -> list[tuple[str | None, CatalogError | None]]:
        data = self._send(
            "mutation Import($inputs: [UpsertProductInput!]!) { upsertProducts(inputs: $inputs) "
            "{ index product { version } error { code message field } } }",
            {"inputs": [_wire(given) for given in inputs]},
        )
        outcomes: list[tuple[str | None, CatalogError | None]] = []
        for result in data["upsertProducts"]:
            if result["error"]:
                refused = CatalogError(result["error"]["message"], result["error"]["field"])
                refused.code = result["error"]["code"]
                outcomes.append((None, refused))
            else:
                # Over the API an equal row cannot be told apart: version 1 is a creation.
                created = result["product"]["version"] == 1
                outcomes.append(("created" if created else "updated", None))
        return outcomes


def _answer(request: urllib.request.Request) -> dict[str, Any]:
    """The GraphQL answer, also from an HTTP error status; BadFile when there is none."""
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            raw = answer.read()
    except urllib.error.HTTPError as error:
        raw = error.read()
        if error.code in (429, 503):
            raise ServiceUnavailable(f"the API answered HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError) as error:
        raise BadFile(f"cannot reach {request.full_url}: {error}") from None
    try:
        body = json.loads(raw)
    except ValueError:
        raise BadFile(f"{request.full_url} did not answer GraphQL JSON") from None
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        raise BadFile(f"{request.full_url} did not answer GraphQL JSON")
    return body


def _wire(given: BulkInput) -> dict[str, Any]:
    names = {attribute: name for name, attribute in INPUT_FIELDS.items()}
    wire: dict[str, Any] = {"id": given.product_id}
    for attribute, value in given.changes.items():
        wire[names[attribute]] = str(value) if attribute == "price" and value is not None else value
    return wire


@dataclass
class State:
    """Where an interrupted import stopped: beside the input, never in the tables."""

    path: Path
    done_through: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    # The rejects file's size when the state was saved: rows rejected after it belong
    # to a batch the resumed run does again, so it cuts them off rather than doubling.
    rejects_bytes: int = 0

    def load(self) -> None:
        if self.path.exists():
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            self.done_through = int(saved["done_through_line"])
            self.counts = dict(saved["counts"])
            self.rejects_bytes = int(saved.get("rejects_bytes", 0))

    def save(self, line: int, report: ImportReport, rejects_bytes: int) -> None:
        self.done_through = line
        temporary = self.path.with_name(self.path.name + ".tmp")
        counts = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected_count,
        }
        saved = {"done_through_line": line, "counts": counts, "rejects_bytes": rejects_bytes}
        temporary.write_text(json.dumps(saved))
        os.replace(temporary, self.path)


def run_import(
    path: Path,
    file_format: str,
    *,
    rate: float = DEFAULT_RATE,
    resume: bool = False,
    dry_run: bool = False,
    url: str | None = None,
    token: str | None = None,
    progress: Callable[[str], None] = lambda line: None,
    advance: Callable[[int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ImportReport:
    """Import the file; its rejects go to `FILE.rejects` in the file's format.

    Each rejected row, and each batch done, is a `progress` line; with `advance`, a
    batch done calls it with its rows and the total instead (a progress bar).
    """
    rows = read_rows(path, file_format)
    state = State(path.with_name(path.name + ".import-state"))
    report = ImportReport()
    if resume:
        state.load()
        report.created = state.counts.get("created", 0)
        report.updated = state.counts.get("updated", 0)
        report.unchanged = state.counts.get("unchanged", 0)
        report.earlier_rejected = state.counts.get("rejected", 0)
    rejects = RejectsFile(
        path.with_name(path.name + ".rejects"),
        file_format,
        append=report.earlier_rejected > 0,
        keep_bytes=state.rejects_bytes,
    )
    sender = Sender(url, token, dry_run)
    sender.category_lines = _category_lines(rows)
    pending = [row for row in rows if row.line > state.done_through]
    started, done, shown = time.monotonic(), 0, 0
    try:
        for batch in _batches(pending):
            _import_batch(batch, sender, report)
            # In the file's order (a batch refuses some rows before it writes the others).
            report.rejected[shown:] = sorted(report.rejected[shown:], key=lambda r: r.line)
            for rejected in report.rejected[shown:]:
                rejects.write(rejected.raw)
                where = f"{rejected.field}: " if rejected.field else ""
                progress(f"line {rejected.line}: {where}{rejected.reason}")
            shown = len(report.rejected)
            if not dry_run:
                state.save(batch[-1].line, report, rejects.size())
            done += len(batch)
            elapsed = time.monotonic() - started
            if advance is not None:
                advance(len(batch), len(pending))
            else:
                progress(_progress_line(done, len(pending), elapsed))
            wait = done / rate - elapsed
            if wait > 0:
                sleep(wait)
    finally:
        rejects.close()
    if not dry_run:
        state.path.unlink(missing_ok=True)
    return report


def _progress_line(done: int, total: int, elapsed: float) -> str:
    speed = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / speed if speed else 0.0
    return f"{done}/{total} rows, {speed:.0f} rows/s, ETA {left:.0f}s"


class RejectsFile:
    """`FILE.rejects`: the rejected rows as they were, in the input's format; made on
    the first reject, so a clean import leaves none."""

    def __init__(self, path: Path, file_format: str, *, append: bool, keep_bytes: int = 0) -> None:
        self.path, self.format, self.append = path, file_format, append
        self.file: TextIO | None = None
        if not append:
            path.unlink(missing_ok=True)
        elif path.exists():
            with path.open("r+b") as kept:
                kept.truncate(keep_bytes)

    def size(self) -> int:
        """The bytes written so far (0 before the first reject)."""
        return self.path.stat().st_size if self.path.exists() else 0

    def write(self, raw: str) -> None:
        if self.file is None:
            self.file = self.path.open("a" if self.append else "w", encoding="utf-8", newline="")
            if self.format == CSV and not self.append:
                self.file.write(",".join(CSV_HEADER) + "\r\n")
        self.file.write(raw if raw.endswith("\n") else raw + "\n")
        self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _batches(rows: list[Row]) -> Iterator[list[Row]]:
    # Categories come before products in an export; a batch holds one kind.
    batch: list[Row] = []
    for row in rows:
        if batch and (len(batch) == BATCH or batch[0].kind != row.kind):
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


def _import_batch(batch: list[Row], sender: Sender, report: ImportReport) -> None:
    """Import one batch (one kind of row); each step that DynamoDB throttles is retried
    on its own, so no row is counted twice."""
    if batch[0].kind == "category":
        _categories(batch, sender, report)
    else:
        _products(batch, sender, report)


def with_backoff(step: Callable[[], R]) -> R:
    """Run `step`, again after 0.5 s, 1 s, 2 s... while DynamoDB throttles it; the last
    SERVICE_UNAVAILABLE stops the import (resumable)."""
    for attempt in range(MAX_BACKOFFS):
        try:
            return step()
        except ServiceUnavailable:
            time.sleep(_backoff(attempt))
    return step()


def _reject(report: ImportReport, row: Row, error: CatalogError) -> None:
    report.rejected.append(Rejected(row.line, error.field, error.message, row.raw))


def _products(batch: list[Row], sender: Sender, report: ImportReport) -> None:
    inputs = _inputs(batch, report)
    stored: dict[str, Product] = {}
    if not sender.url:
        stored = with_backoff(
            lambda: get_many(
                Product, [given.product_id or "" for _, given in inputs], consistent=True
            )
        )
        inputs = _changed(inputs, stored, report)
    if not inputs:
        return
    for attempt in range(MAX_BACKOFFS + 1):
        outcomes = with_backoff(partial(sender.products, [given for _, given in inputs], stored))
        throttled = [
            pair
            for pair, (_, refused) in zip(inputs, outcomes, strict=True)
            if isinstance(refused, ServiceUnavailable) or _code(refused) == "SERVICE_UNAVAILABLE"
        ]
        for pair, outcome in zip(inputs, outcomes, strict=True):
            if pair not in throttled:
                _count(pair, outcome, sender, report)
        if not throttled:
            return
        if attempt == MAX_BACKOFFS:
            # Stop, resumable: this batch's state is not saved, so --resume redoes it.
            raise ServiceUnavailable("DynamoDB kept throttling the import; --resume later.")
        # Throttled: DynamoDB asks for less; only the rows not written go again.
        inputs = throttled
        time.sleep(_backoff(attempt))


def _inputs(batch: list[Row], report: ImportReport) -> list[tuple[Row, BulkInput]]:
    """The batch's rows as API inputs; the rows that cannot be one are rejected."""
    inputs: list[tuple[Row, BulkInput]] = []
    for row in batch:
        try:
            if row.kind != "product":
                raise BadUserInput(f"type must be category or product, not {row.kind!r}.", "type")
            inputs.append((row, product_input(row.fields)))
        except CatalogError as error:
            _reject(report, row, error)
    return inputs


def _code(error: CatalogError | None) -> str | None:
    return None if error is None else error.code


def _backoff(attempt: int) -> float:
    return min(30.0, 0.5 * 2.0**attempt)


def _count(
    pair: tuple[Row, BulkInput],
    outcome: tuple[str | None, CatalogError | None],
    sender: Sender,
    report: ImportReport,
) -> None:
    row, given = pair
    done, refused = outcome
    if refused is not None:
        _reject(report, row, refused)
        return
    if done == "created":
        report.created += 1
    else:
        report.updated += 1
    if row.fields.get("deletedAt") and not (sender.dry_run or sender.url):
        # A deleted item stays deleted: written, then soft-deleted as the API does.
        product_id = given.product_id or ""
        with_backoff(lambda: products.delete_product(product_id, hard=False, expected_version=None))


def _changed(
    inputs: list[tuple[Row, BulkInput]], stored: Mapping[str, Product], report: ImportReport
) -> list[tuple[Row, BulkInput]]:
    """The rows that differ from what is stored; the others are counted unchanged."""
    kept = []
    for row, given in inputs:
        try:
            deleted = bool(row.fields.get("deletedAt"))
            same = unchanged(stored.get(given.product_id or ""), given, deleted=deleted)
        except CatalogError as error:
            _reject(report, row, error)
            continue
        if same:
            report.unchanged += 1
        else:
            kept.append((row, given))
    return kept


def _category_lines(rows: list[Row]) -> dict[str, int]:
    """The first line of each category of the file, by id."""
    lines: dict[str, int] = {}
    for row in rows:
        if row.kind == "category":
            lines.setdefault(str(row.fields.get("id") or ""), row.line)
    return lines


def _category_changes(row: Row, sender: Sender) -> dict[str, Any]:
    """A category row as `upsert_category` takes it; BAD_USER_INPUT naming parentId when
    its parent comes later in the file (export writes parents first)."""
    changes: dict[str, Any] = {
        name: row.fields[name]
        for name in ("name", "description", "slug")
        if name in row.fields and not (name == "slug" and row.fields[name] in (None, ""))
    }
    # A line without parentId (a file from before the tree) leaves the parent as it is.
    if "parentId" in row.fields:
        parent_id = row.fields["parentId"]
        parent_id = None if parent_id in (None, "") else str(parent_id)
        where = sender.category_lines.get(parent_id or "")
        if where is not None and where > row.line:
            raise BadUserInput(
                f"parentId {parent_id} is the category on line {where}, after this one: a "
                "parent must come before its children (catalog export writes them so).",
                field="parentId",
            )
        changes["parent_id"] = parent_id
    return changes


def _categories(batch: list[Row], sender: Sender, report: ImportReport) -> None:
    ids = [str(row.fields.get("id") or "") for row in batch]
    # Over the API there is no table to compare with: each category is sent.
    stored = {} if sender.url else with_backoff(lambda: get_many(Category, ids, consistent=True))
    for row in batch:
        category_id = str(row.fields.get("id") or "")
        try:
            changes = _category_changes(row, sender)
        except CatalogError as error:
            _reject(report, row, error)
            continue
        current = stored.get(category_id)
        deleted = bool(row.fields.get("deletedAt"))
        if (
            current is not None
            and (current.deleted_at is not None) == deleted
            and all(getattr(current, k) == v for k, v in changes.items())
        ):
            report.unchanged += 1
            continue
        try:
            created = with_backoff(partial(sender.category, category_id, changes, deleted=deleted))
        except CatalogError as error:
            _reject(report, row, error)
            continue
        if current is None and created:
            report.created += 1
        else:
            report.updated += 1
