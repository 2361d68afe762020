"""Reading import files: what a bad file is told, and how rows become API inputs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cli.bulk_files import format_of
from cli.bulk_import import BadFile, product_input, read_rows
from cli.main import ProgressBar, main
from errors import BadUserInput

HEADER = "id,slug,name,description,price,currency,stock,categoryId,imageUrl"


def test_format_is_the_option_else_the_extension() -> None:
    assert format_of("a.CSV", None) == "csv"
    assert format_of("a.txt", "jsonl") == "jsonl"
    with pytest.raises(ValueError, match="unknown format 'txt'"):
        format_of("a.txt", None)


def test_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(f"{HEADER}\na,,Caf\xe9,,1,,,,\n".encode("latin-1"))

    with pytest.raises(BadFile, match="is not UTF-8 text \\(line 2"):
        read_rows(path, "csv")


def test_wrong_csv_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("Handle,Title,Variant Price\nx,X,1\n", encoding="utf-8")

    with pytest.raises(BadFile, match="wrong CSV header on line 1: expected id,slug,"):
        read_rows(path, "csv")


def test_invalid_json_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"type": "product", "id": "a"}\n\n{"type": "product",\n', encoding="utf-8")

    with pytest.raises(BadFile, match="invalid JSON on line 3"):
        read_rows(path, "jsonl")


def test_csv_rows_count_lines_of_the_file_with_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(f'\ufeff{HEADER}\r\na,,A,"two\r\nlines",1,,,,\r\nb,,B,,2,EUR,3,,\r\n'.encode())

    rows = read_rows(path, "csv")

    assert [row.line for row in rows] == [2, 4]
    assert rows[0].fields["description"] == "two\r\nlines"
    # Empty cells are nulls; an empty stock or currency is left out (its default).
    assert "stock" not in rows[0].fields
    assert rows[0].fields["categoryId"] is None
    assert rows[1].fields["stock"] == "3"


def test_product_input_takes_the_api_field_names() -> None:
    given = product_input(
        {"type": "product", "id": "a", "name": "A", "price": "1.50", "stock": "2", "imageUrl": None}
    )

    assert given.product_id == "a"
    assert given.changes == {"name": "A", "price": Decimal("1.50"), "stock": 2, "image_url": None}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "A", "price": "1.5"}, "id"),
        ({"id": "a", "price": "1,5"}, "price"),
        ({"id": "a", "price": "1", "stock": "many"}, "stock"),
        ({"id": "a", "price": "1", "stock": 2.5}, "stock"),
        ({"id": "a", "price": 1.5}, "price"),
        ({"id": "a", "name": 7, "price": "1"}, "name"),
    ],
)
def test_product_input_refuses_what_the_api_would_not_parse(
    fields: dict[str, str], field: str
) -> None:
    with pytest.raises(BadUserInput) as refused:
        product_input(fields)

    assert refused.value.field == field


def test_import_command_refuses_a_bad_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.csv"
    path.write_text("name,price\n", encoding="utf-8")

    assert main(["import", str(path), "--url", "http://127.0.0.1:9/x", "--token", "t"]) == 2
    assert main(["import", str(tmp_path / "in.xlsx")]) == 2

    err = capsys.readouterr().err
    assert "catalog import: wrong CSV header on line 1" in err
    assert "catalog import: unknown format 'xlsx'" in err


def test_import_progress_bar_shows_rows_done_of_the_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bar = ProgressBar()

    bar.advance(100, 250)
    bar.line("line 7: price: price cannot be null.")
    bar.advance(100, 250)
    bar.close()

    err = capsys.readouterr().err
    assert "200/250" in err
    assert "rows/s" in err
    assert "line 7: price: price cannot be null." in err
