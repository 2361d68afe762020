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

from mangum.types import LambdaCognitoIdentity, LambdaMobileClientContext

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
    """What the Lambda runtime passes as `context`: every attribute Mangum's type names."""

    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "catalog-api"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:catalog-api"
    memory_limit_in_mb: int = 512
    log_group_name: str = "/aws/lambda/catalog-api"
    log_stream_name: str = "2026/01/01/[$LATEST]0123456789abcdef"
    identity: LambdaCognitoIdentity | None = None
    client_context: LambdaMobileClientContext | None = None

    def get_remaining_time_in_millis(self) -> int:
        """The whole timeout of infra/template.yaml's function: the clock never runs here."""
        return 20_000
