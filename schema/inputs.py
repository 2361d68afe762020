"""Arguments and input fields as the resolvers take them: absent and null told apart."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry

T = TypeVar("T")


def given(value: T | None) -> T | None:
    """An optional argument's value; absent (UNSET) and null both become None."""
    return None if value is strawberry.UNSET else value


def present_fields(data: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The input's fields the client sent, explicit nulls included, absent ones not."""
    return {
        name: getattr(data, name) for name in names if getattr(data, name) is not strawberry.UNSET
    }
