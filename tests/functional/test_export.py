"""`catalog export` on both backends: what the files hold, in both formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from cli.main import main
from tests.catalog import (
    DELETE_PRODUCT,
    create_category,
    create_product,
    get_category,
    get_product,
)
from tests.client import ApiClient


def export_lines(tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    out = tmp_path / "catalog.jsonl"
    assert main(["export", "--out", str(out), *args]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def export_csv(tmp_path: Path, *args: str) -> tuple[bytes, list[list[str]]]:
    out = tmp_path / "products.csv"
    assert main(["export", "--out", str(out), *args]) == 0
    raw = out.read_bytes()
    with out.open(encoding="utf-8", newline="") as file:
        return raw, list(csv.reader(file))


def test_export_jsonl_holds_categories_then_products_as_the_api_shows_them(
    api: ApiClient, tmp_path: Path
) -> None:
    shoes = create_category(api, "Shoes", description="Für Läufer")
    create_product(api, id="p1", name='Runner, "fast"', price="89.90", categoryId=shoes["id"])
    create_product(api, id="p2", name="Sock", price="3")

    lines = export_lines(tmp_path)

    assert [line["type"] for line in lines] == ["category", "product", "product"]
    assert lines[0] == {"type": "category", **get_category(api, shoes["id"])}
    products = {line["id"]: line for line in lines[1:]}
    for product_id in ("p1", "p2"):
        shown = get_product(api, product_id)
        del shown["category"]
        assert products[product_id] == {"type": "product", **shown}
    assert products["p1"]["price"] == "89.9"
    assert products["p2"]["price"] == "3"


def test_export_jsonl_writes_parents_before_their_children(api: ApiClient, tmp_path: Path) -> None:
    # Ids that sort the other way round: the order is by level, then id.
    root = create_category(api, "Outdoor", id="z-outdoor")
    child = create_category(api, "Footwear", id="m-footwear", parentId=root["id"])
    leaf = create_category(api, "Hiking boots", id="a-boots", parentId=child["id"])
    other = create_category(api, "Home", id="b-home")

    lines = [line for line in export_lines(tmp_path) if line["type"] == "category"]

    assert [(line["id"], line["parentId"], line["level"]) for line in lines] == [
        (other["id"], None, 0),
        (root["id"], None, 0),
        (child["id"], root["id"], 1),
        (leaf["id"], child["id"], 2),
    ]
    assert lines[3] == {"type": "category", **get_category(api, leaf["id"])}


def test_export_leaves_deleted_items_out_unless_asked(api: ApiClient, tmp_path: Path) -> None:
    create_product(api, id="kept", name="Kept")
    create_product(api, id="gone", name="Gone")
    api.ok(DELETE_PRODUCT, {"id": "gone"})

    live = export_lines(tmp_path)
    everything = export_lines(tmp_path, "--include-deleted")

    assert [line["id"] for line in live] == ["kept"]
    assert sorted(line["id"] for line in everything) == ["gone", "kept"]
    assert next(line for line in everything if line["id"] == "gone")["deletedAt"] is not None


def test_export_csv_has_the_header_and_rfc_4180_quoting(api: ApiClient, tmp_path: Path) -> None:
    shoes = create_category(api, "Shoes")
    create_product(
        api,
        id="p1",
        name='Runner, "fast"',
        price="89.90",
        description="Zeile 1\nZeile 2 ü €",
        categoryId=shoes["id"],
        imageUrl="https://img.example/p1.jpg",
        stock=4,
    )

    raw, rows = export_csv(tmp_path)

    assert raw.startswith(b"id,slug,name,description,price,currency,stock,categoryId,imageUrl\r\n")
    assert b'"Runner, ""fast"""' in raw
    assert rows[1:] == [
        [
            "p1",
            "runner-fast",
            'Runner, "fast"',
            "Zeile 1\nZeile 2 ü €",
            "89.9",
            "USD",
            "4",
            shoes["id"],
            "https://img.example/p1.jpg",
        ]
    ]


def test_export_format_follows_the_file_or_is_refused(api: ApiClient, tmp_path: Path) -> None:
    create_product(api, id="p1")

    assert main(["export", "--out", str(tmp_path / "catalog.txt")]) == 2
    assert main(["export", "--out", str(tmp_path / "catalog.txt"), "--format", "csv"]) == 0
    assert (tmp_path / "catalog.txt").read_text(encoding="utf-8").startswith("id,slug,")
