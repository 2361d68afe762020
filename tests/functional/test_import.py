"""`catalog import` on both backends: round trip, rejects, idempotence, dry run, resume."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from cli import bulk_import
from cli.main import main
from tests.catalog import (
    DELETE_CATEGORY,
    DELETE_PRODUCT,
    assert_counts_match,
    create_category,
    create_product,
    get_category,
    get_product,
)
from tests.client import ApiClient
from tests.faults import FaultInjector, throttled
from tests.functional.conftest import clear_tables

TREE_CHILDREN = (
    "query($id: ID!) { category(id: $id) { children(first: 10) { edges { node { id } } } } }"
)
# What differs between two exports of the same catalog written at different times.
VOLATILE = ("createdAt", "updatedAt", "version")


# The import's own rules (resuming, pacing, progress, the admin route) on one backend,
# AWS's DynamoDB Local: what they test is the command, not what the store does.
ON_DYNAMODB_LOCAL = pytest.mark.parametrize("backend", ["dynamodb-local"], indirect=True)


def export_lines(path: Path, *args: str) -> list[dict[str, Any]]:
    assert main(["export", "--out", str(path), *args]) == 0
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return sorted(
        ({k: v for k, v in line.items() if k not in VOLATILE} for line in lines),
        key=lambda line: (line["type"] != "category", line["id"]),
    )


def last_line(out: str) -> str:
    """The counts line: the last the command prints (the handler logs before it)."""
    return out.strip().splitlines()[-1]


def write_lines(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def product_line(product_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "product", "id": product_id, "name": "P", "price": "1.50", **fields}


def test_import_round_trip_gives_back_the_same_export(
    api: ApiClient, backend: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shoes = create_category(api, "Shoes", description='Leather, "fine"')
    create_category(api, "Empty")
    create_product(api, id="p1", name="Runner", price="89.90", categoryId=shoes["id"], stock=3)
    create_product(api, id="p2", name="Sock €", price="2", description="a\nb")
    before = export_lines(tmp_path / "first.jsonl")
    clear_tables(backend.endpoint_url)

    status = main(["import", str(tmp_path / "first.jsonl")])

    assert status == 0
    counts = last_line(capsys.readouterr().out)
    assert counts == "created 4, updated 0, unchanged 0, rejected 0"
    assert export_lines(tmp_path / "second.jsonl") == before
    assert_counts_match(api)


def test_import_round_trip_of_a_category_tree(
    api: ApiClient, backend: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a tree three levels deep, with ids that sort children first
    root = create_category(api, "Outdoor", id="z-outdoor")
    child = create_category(api, "Footwear", id="m-footwear", parentId=root["id"])
    leaf = create_category(api, "Hiking boots", id="a-boots", parentId=child["id"])
    create_category(api, "Camping", id="b-camping", parentId=root["id"])
    create_product(api, id="p1", name="Ridge Mid", categoryId=leaf["id"])
    before = export_lines(tmp_path / "first.jsonl")
    clear_tables(backend.endpoint_url)

    # WHEN it is imported into empty tables
    status = main(["import", str(tmp_path / "first.jsonl")])

    # THEN exporting again gives the same lines, apart from times and versions
    assert status == 0
    assert last_line(capsys.readouterr().out) == "created 5, updated 0, unchanged 0, rejected 0"
    assert export_lines(tmp_path / "second.jsonl") == before
    children = api.ok(TREE_CHILDREN, {"id": root["id"]})["category"]["children"]["edges"]
    assert [edge["node"]["id"] for edge in children] == ["b-camping", "m-footwear"]
    assert main(["import", str(tmp_path / "first.jsonl")]) == 0
    assert last_line(capsys.readouterr().out) == "created 0, updated 0, unchanged 5, rejected 0"
    assert_counts_match(api)


def category_line(category_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "category", "id": category_id, "name": category_id.title(), **fields}


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_import_rejects_a_category_whose_parent_is_later_or_missing(
    api: ApiClient, tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: bool
) -> None:
    lines = [
        category_line("child", parentId="root"),
        category_line("root", parentId=None),
        category_line("lost", parentId="nowhere"),
        category_line("leaf", parentId="root"),
    ]
    source = write_lines(tmp_path / "in.jsonl", lines)

    status = main(["import", str(source), *(["--dry-run"] if dry_run else [])])

    captured = capsys.readouterr()
    assert status == 1
    assert last_line(captured.out) == "created 2, updated 0, unchanged 0, rejected 2"
    assert (
        "line 1: parentId: parentId root is the category on line 2, after this one: a parent "
        "must come before its children (catalog export writes them so)."
    ) in captured.err
    assert "line 3: parentId: parentId nowhere does not name a live category" in captured.err
    rejects = (tmp_path / "in.jsonl.rejects").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in rejects] == ["child", "lost"]
    if not dry_run:
        assert get_category(api, "leaf")["parentId"] == "root"
        assert get_category(api, "child") is None


def test_import_puts_a_category_under_a_parent_already_in_the_table(
    api: ApiClient, tmp_path: Path
) -> None:
    create_category(api, "Outdoor", id="outdoor")
    source = write_lines(tmp_path / "in.jsonl", [category_line("tents", parentId="outdoor")])

    assert main(["import", str(source)]) == 0

    assert (get_category(api, "tents")["parentId"], get_category(api, "tents")["level"]) == (
        "outdoor",
        1,
    )


def test_import_round_trip_keeps_deleted_items_deleted(
    api: ApiClient, backend: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shoes = create_category(api, "Shoes")
    old = create_category(api, "Old")
    api.ok(DELETE_CATEGORY, {"id": old["id"]})
    create_product(api, id="live", name="Live", categoryId=shoes["id"])
    create_product(api, id="gone", name="Gone", categoryId=shoes["id"])
    api.ok(DELETE_PRODUCT, {"id": "gone"})
    before = export_lines(tmp_path / "first.jsonl", "--include-deleted")
    clear_tables(backend.endpoint_url)

    assert main(["import", str(tmp_path / "first.jsonl")]) == 0
    assert main(["import", str(tmp_path / "first.jsonl")]) == 0

    assert last_line(capsys.readouterr().out) == "created 0, updated 0, unchanged 4, rejected 0"
    after = export_lines(tmp_path / "second.jsonl", "--include-deleted")
    # The same file apart from times (deletedAt is the time of the import's delete).
    assert [(line["id"], line["deletedAt"] is None) for line in after] == [
        (line["id"], line["deletedAt"] is None) for line in before
    ]
    assert [{**line, "deletedAt": None} for line in after] == [
        {**line, "deletedAt": None} for line in before
    ]
    assert get_product(api, "gone") is None
    assert_counts_match(api)


def test_import_csv_round_trip(api: ApiClient, backend: Any, tmp_path: Path) -> None:
    shoes = create_category(api, "Shoes", id="shoes")
    create_product(api, id="p1", name='Runner, "fast"', price="89.90", categoryId=shoes["id"])
    first = tmp_path / "first.csv"
    assert main(["export", "--out", str(first)]) == 0
    clear_tables(backend.endpoint_url)
    create_category(api, "Shoes", id="shoes")

    assert main(["import", str(first)]) == 0

    second = tmp_path / "second.csv"
    assert main(["export", "--out", str(second)]) == 0
    assert second.read_bytes() == first.read_bytes()


def test_import_twice_changes_nothing_the_second_time(
    api: ApiClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_lines(tmp_path / "in.jsonl", [product_line("a"), product_line("b")])
    assert main(["import", str(source)]) == 0
    capsys.readouterr()

    assert main(["import", str(source)]) == 0

    assert last_line(capsys.readouterr().out) == "created 0, updated 0, unchanged 2, rejected 0"
    assert get_product(api, "a")["version"] == 1


def test_import_rejects_bad_rows_with_their_lines_and_goes_on(
    api: ApiClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_product(api, id="old", name="Old")
    lines = [
        product_line("good"),
        product_line("neg", price="-1"),
        product_line("old", name="Renamed"),
        product_line("cat", categoryId="missing"),
        product_line("bad price", price="abc"),
    ]
    source = write_lines(tmp_path / "in.jsonl", lines)

    status = main(["import", str(source)])

    captured = capsys.readouterr()
    assert status == 1
    assert last_line(captured.out) == "created 1, updated 1, unchanged 0, rejected 3"
    assert "line 2: price: price must be at least 0" in captured.err
    assert "line 4: categoryId: categoryId missing does not name a live category." in captured.err
    assert "line 5: " in captured.err
    rejects = (tmp_path / "in.jsonl.rejects").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in rejects] == ["neg", "cat", "bad price"]
    assert get_product(api, "good") is not None
    assert get_product(api, "old")["name"] == "Renamed"
    assert get_product(api, "neg") is None


def test_import_csv_rejects_are_a_csv_with_the_header(
    api: ApiClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "id,slug,name,description,price,currency,stock,categoryId,imageUrl\r\n"
        "a,,Good,,1,,,,\r\n"
        'b,,Bad,"Multi\r\nline",1,usd,,,\r\n'
        "c,,Fine,,2,EUR,4,,\r\n",
        encoding="utf-8",
    )

    assert main(["import", str(source)]) == 1

    assert "line 3: currency:" in capsys.readouterr().err
    rejects = (tmp_path / "in.csv.rejects").read_bytes().decode()
    assert rejects == (
        "id,slug,name,description,price,currency,stock,categoryId,imageUrl\r\n"
        'b,,Bad,"Multi\r\nline",1,usd,,,\r\n'
    )
    assert get_product(api, "c")["stock"] == 4
    assert get_product(api, "a")["currency"] == "USD"


def test_import_dry_run_counts_and_rejects_but_writes_nothing(
    api: ApiClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_product(api, id="old", name="Old")
    lines = [
        product_line("new"),
        product_line("old", name="New name"),
        product_line("x", price="-1"),
    ]
    source = write_lines(tmp_path / "in.jsonl", lines)

    assert main(["import", str(source), "--dry-run"]) == 1

    assert last_line(capsys.readouterr().out) == "created 1, updated 1, unchanged 0, rejected 1"
    assert get_product(api, "new") is None
    assert get_product(api, "old")["name"] == "Old"
    assert (tmp_path / "in.jsonl.rejects").exists()


def test_import_dry_run_of_a_whole_export_counts_what_the_import_does(
    api: ApiClient, backend: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shoes = create_category(api, "Shoes")
    create_product(api, id="p1", categoryId=shoes["id"])
    export_lines(tmp_path / "all.jsonl")
    clear_tables(backend.endpoint_url)

    assert main(["import", str(tmp_path / "all.jsonl"), "--dry-run"]) == 0
    dry = last_line(capsys.readouterr().out)
    assert get_product(api, "p1") is None
    assert main(["import", str(tmp_path / "all.jsonl")]) == 0

    assert (
        dry
        == last_line(capsys.readouterr().out)
        == ("created 2, updated 0, unchanged 0, rejected 0")
    )


@ON_DYNAMODB_LOCAL
def test_import_resumes_after_an_interrupt_without_losing_or_doubling(
    api: ApiClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN 250 rows, and an import interrupted (Ctrl-C) after its second batch of 100
    lines = [product_line(f"p{i:03}", name=f"P{i:03}") for i in range(250)]
    source = write_lines(tmp_path / "in.jsonl", lines)
    real = bulk_import._import_batch
    calls = {"n": 0}

    def interrupted(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real(*args)

    monkeypatch.setattr(bulk_import, "_import_batch", interrupted)
    assert main(["import", str(source)]) == 130
    assert get_product(api, "p199") is not None
    assert get_product(api, "p200") is None
    monkeypatch.setattr(bulk_import, "_import_batch", real)
    capsys.readouterr()

    # WHEN it is resumed
    assert main(["import", str(source), "--resume"]) == 0

    # THEN the counts are the whole file's, each row written once
    assert last_line(capsys.readouterr().out) == "created 250, updated 0, unchanged 0, rejected 0"
    assert all(get_product(api, f"p{i:03}")["version"] == 1 for i in (0, 199, 200, 249))
    assert not (tmp_path / "in.jsonl.import-state").exists()


class AdminRoute:
    """A stand-in for a deployed admin route: POSTs go to the Lambda handler as an admin
    when they carry the expected bearer token."""

    def __init__(self, api: ApiClient, token: str) -> None:
        route = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                # Mangum runs the app on the thread's event loop; this thread has none.
                asyncio.set_event_loop(asyncio.new_event_loop())
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                route.seen.append(self.headers.get("authorization", ""))
                if self.headers.get("authorization") != f"Bearer {token}":
                    answer = api.public(body["query"], body["variables"]).body
                else:
                    answer = api.admin(body["query"], body["variables"]).body
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.seen: list[str] = []
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/admin/graphql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@ON_DYNAMODB_LOCAL
def test_import_through_the_admin_route_sends_upsert_products_batches(
    api: ApiClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_product(api, id="old", name="Old")
    lines = [{"type": "category", "id": "c1", "name": "Hats", "description": None}]
    lines += [product_line(f"p{i:03}", categoryId="c1") for i in range(150)]
    lines += [product_line("old", name="Renamed"), product_line("bad", price="-1")]
    source = write_lines(tmp_path / "in.jsonl", lines)
    route = AdminRoute(api, "s3cret")
    try:
        status = main(["import", str(source), "--url", route.url, "--token", "s3cret"])
    finally:
        route.close()

    assert status == 1
    assert last_line(capsys.readouterr().out) == "created 151, updated 1, unchanged 0, rejected 1"
    # The category's upsertCategory, then two batches of upsertProducts: 100 rows, then 52.
    assert route.seen == ["Bearer s3cret"] * 3
    assert get_category(api, "c1")["productCount"] == 150
    assert get_product(api, "p149") is not None
    assert get_product(api, "old")["name"] == "Renamed"
    assert get_product(api, "bad") is None


def test_import_through_the_admin_route_with_a_wrong_token_stops_clearly(
    api: ApiClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_lines(tmp_path / "in.jsonl", [product_line("a")])
    route = AdminRoute(api, "s3cret")
    try:
        status = main(["import", str(source), "--url", route.url, "--token", "wrong"])
    finally:
        route.close()

    assert status == 2
    assert "catalog import: the API refused a batch: UNAUTHENTICATED" in capsys.readouterr().err
    assert get_product(api, "a") is None


@ON_DYNAMODB_LOCAL
def test_import_is_paced_to_its_rate(api: ApiClient, tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", [product_line(f"p{i:03}") for i in range(150)])
    waits: list[float] = []

    report = bulk_import.run_import(source, "jsonl", rate=1.0, sleep=waits.append)

    # At 1 row a second, 150 rows in two batches ask to wait out most of 150 seconds.
    assert report.created == 150
    assert len(waits) == 2
    assert sum(waits) > 100


@ON_DYNAMODB_LOCAL
def test_import_advances_a_progress_bar_by_batch(api: ApiClient, tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", [product_line(f"p{i:03}") for i in range(150)])
    advanced: list[tuple[int, int]] = []
    lines: list[str] = []

    bulk_import.run_import(
        source, "jsonl", rate=1e6, progress=lines.append, advance=lambda *a: advanced.append(a)
    )

    assert advanced == [(100, 150), (50, 150)]
    assert lines == []


def test_import_backs_off_when_throttled_and_loses_nothing(
    faults: FaultInjector, tmp_path: Path
) -> None:
    # GIVEN DynamoDB throttling the first transaction past botocore's own retries
    api = ApiClient("http-v2")
    source = write_lines(tmp_path / "in.jsonl", [product_line(f"p{i:03}") for i in range(150)])
    faults.then("TransactWriteItems", throttled(), throttled(), throttled())

    report = bulk_import.run_import(source, "jsonl", rate=1e6)

    # THEN the throttled rows went again after a pause: all written, none rejected
    assert report.counts() == "created 150, updated 0, unchanged 0, rejected 0"
    assert faults.attempts["TransactWriteItems"] > 3
    faults.clear()
    assert get_product(api, "p000") is not None
    assert get_product(api, "p149") is not None


@ON_DYNAMODB_LOCAL
def test_import_resumed_after_a_kill_before_its_state_was_saved_keeps_each_reject_once(
    api: ApiClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a bad row in each of two batches, and a process killed after the second
    # batch was written but before its state was saved
    lines = [product_line(f"p{i:03}") for i in range(200)]
    lines[4] = product_line("bad1", price="-1")
    lines[149] = product_line("bad2", price="-2")
    source = write_lines(tmp_path / "in.jsonl", lines)
    real_save = bulk_import.State.save
    saves = {"n": 0}

    def killed(self: Any, *args: Any) -> None:
        saves["n"] += 1
        if saves["n"] == 2:
            raise KeyboardInterrupt
        real_save(self, *args)

    monkeypatch.setattr(bulk_import.State, "save", killed)
    assert main(["import", str(source)]) == 130
    monkeypatch.setattr(bulk_import.State, "save", real_save)
    capsys.readouterr()

    # WHEN it is resumed
    assert main(["import", str(source), "--resume"]) == 1

    # THEN the second batch is done again, its written rows unchanged, each reject once
    assert last_line(capsys.readouterr().out) == "created 99, updated 0, unchanged 99, rejected 2"
    rejects = (tmp_path / "in.jsonl.rejects").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in rejects] == ["bad1", "bad2"]
