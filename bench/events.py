"""API Gateway events and a Lambda context, as the runtime hands them to the handler.

The bench and the tests both call the handler this way; the tests import it from here
(the bench never imports the tests). The events are the recordings in tests/events/.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parents[1] / "tests" / "events"


@cache
def _template(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / f"{name}.json").read_text())  # type: ignore[no-any-return]


def load_event(api: str, *, admin_route: bool = False) -> dict[str, Any]:
    """A fresh copy of a recorded API Gateway event for the given API and route."""
    name = {"http-v2": "http_api_v2", "rest-v1": "rest_api_v1"}[api]
    return copy.deepcopy(_template(name + ("_admin" if admin_route else "")))


@dataclass
class LambdaContext:
    """What the Lambda runtime passes as `context`: only what Mangum reads."""

    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "catalog-api"
    memory_limit_in_mb: int = 512
