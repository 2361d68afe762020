"""Checks of client input; each failure names the field and writes nothing."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from errors import BadUserInput
from models.base import PRICE_PLACES
from resolvers import slugs

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
CURRENCY_PATTERN = re.compile(r"[A-Z]{3}")
MAX_NAME = 200
MAX_DESCRIPTION = 5000
MAX_URL = 2048
MAX_PRICE = Decimal(1_000_000_000)

MAX_PAGE = 100


def item_id(value: str, field: str = "id") -> str:
    """A client-supplied id: 1-64 characters of [A-Za-z0-9_-]."""
    if not ID_PATTERN.fullmatch(value):
        raise BadUserInput(
            f"{field} must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'.", field=field
        )
    return value


def text(value: Any, field: str) -> Any:
    """A string DynamoDB can store: Unicode text, so no lone surrogate ("\\ud800")."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            raise BadUserInput(
                f"{field} must be valid Unicode text: it holds a lone surrogate."
            ) from None
    return value


def name(value: Any, field: str = "name") -> str:
    """A name (or the start of one, named `field`), trimmed."""
    if value is None:
        raise BadUserInput(f"{field} cannot be null.")
    trimmed = str(text(value, field)).strip()
    if not 1 <= len(trimmed) <= MAX_NAME:
        raise BadUserInput(f"{field} must be 1-{MAX_NAME} characters after trimming.")
    if any(unicodedata.category(char) == "Cc" for char in trimmed):
        raise BadUserInput(f"{field} must not contain control characters.")
    return trimmed


def description(value: Any) -> str | None:
    text(value, "description")
    if value is not None and len(value) > MAX_DESCRIPTION:
        raise BadUserInput(f"description must be at most {MAX_DESCRIPTION} characters.")
    return value  # type: ignore[no-any-return]


def price(value: Any, field: str = "price") -> Decimal:
    """A price (or a bound of a price filter, named `field`): what DynamoDB stores.

    The one check of prices, for writes and for filters alike; the Decimal scalar has
    already refused anything but a plain ASCII decimal.
    """
    if value is None:
        raise BadUserInput(f"{field} cannot be null.")
    if not isinstance(value, Decimal) or not value.is_finite():
        raise BadUserInput(f'{field} must be an exact decimal such as "19.99".')
    if not Decimal(0) <= value < MAX_PRICE:
        raise BadUserInput(f"{field} must be at least 0 and less than 1000000000.")
    # + 0 turns -0 into 0; format() keeps what normalize() would write as 1E+2 plain.
    canonical = Decimal(format(value.normalize(), "f")) + 0
    exponent = canonical.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PRICE_PLACES:
        raise BadUserInput(f"{field} must have at most {PRICE_PLACES} decimal places.")
    # What DynamoDB stores and returns: "89.90" reads back as "89.9".
    return canonical


def price_bounds(price_min: Any, price_max: Any) -> tuple[Decimal | None, Decimal | None]:
    """A filter's priceMin and priceMax, checked (None: no bound); the lists' and search's."""
    low = None if price_min is None else price(price_min, "priceMin")
    high = None if price_max is None else price(price_max, "priceMax")
    if low is not None and high is not None and low > high:
        raise BadUserInput("priceMin must not be greater than priceMax.")
    return low, high


def currency(value: Any) -> str:
    if value is None:
        raise BadUserInput("currency cannot be null.")
    if not CURRENCY_PATTERN.fullmatch(value):
        raise BadUserInput("currency must be an ISO 4217 code of three upper-case letters.")
    return value  # type: ignore[no-any-return]


def stock(value: Any) -> int:
    if value is None:
        raise BadUserInput("stock cannot be null.")
    if value < 0:
        raise BadUserInput("stock must be 0 or more.")
    return value  # type: ignore[no-any-return]


def image_url(value: Any) -> str | None:
    if value is None:
        return None
    text(value, "imageUrl")
    if len(value) > MAX_URL:
        raise BadUserInput(f"imageUrl must be at most {MAX_URL} characters.")
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadUserInput("imageUrl must be an absolute http or https URL.")
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        raise BadUserInput("imageUrl must not contain spaces or control characters.")
    if "@" in parts.netloc:
        # https://user:pass@host/ would publish a secret, and https://trusted.example@evil/
        # shows a host it does not load from.
        raise BadUserInput("imageUrl must not contain a user name or password.")
    return value  # type: ignore[no-any-return]


def category_id(value: Any) -> str | None:
    return None if value is None else item_id(value, "categoryId")


def exactly_one(**arguments: Any) -> None:
    """BAD_USER_INPUT unless exactly one of the arguments is given (None counts as absent)."""
    given = [name for name, value in arguments.items() if value is not None]
    if len(given) != 1:
        names = " and ".join(arguments)
        raise BadUserInput(f"Give exactly one of {names} (given: {len(given)}).")


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE}.")
    return first


PRODUCT_FIELDS = {
    "name": name,
    "description": description,
    "price": price,
    "currency": currency,
    "stock": stock,
    "image_url": image_url,
    "category_id": category_id,
    "slug": slugs.slug,
}


def parent_id(value: Any) -> str | None:
    """A category's parent: null (a root) or a category id."""
    return None if value is None else item_id(str(text(value, "parentId")), "parentId")


CATEGORY_FIELDS = {
    "name": name,
    "description": description,
    "slug": slugs.slug,
    "parent_id": parent_id,
}


def fields(changes: dict[str, Any], checks: dict[str, Any]) -> dict[str, Any]:
    """Check each field present in `changes`; absent fields stay absent.

    A refusal names its field (by its GraphQL name) on the error too.
    """
    checked: dict[str, Any] = {}
    for field, value in changes.items():
        try:
            checked[field] = checks[field](value)
        except BadUserInput as error:
            error.field = error.field or graphql_name(field)
            raise
    return checked


def graphql_name(field: str) -> str:
    """A Python field name as GraphQL spells it: `category_id` is `categoryId`."""
    first, *rest = field.split("_")
    return first + "".join(part.capitalize() for part in rest)
