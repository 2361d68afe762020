"""What a SnapStart snapshot would capture: the state after `import handler`.

Each check runs in a fresh interpreter, so the import is the first one, as in the
Lambda init phase that the snapshot is taken after.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def after_import(script: str) -> object:
    """Runs `script` after `import handler` in a new interpreter; returns what it prints."""
    result = subprocess.run(
        [sys.executable, "-c", f"import json, handler\n{script}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_snapshot_holds_no_dynamodb_connection() -> None:
    # Connections, and the credentials they resolve, must be made after restore.
    opened = after_import(
        "from models import MODELS\n"
        "print(json.dumps([m.__name__ for m in MODELS if m._connection is not None]))"
    )
    assert opened == []


def test_snapshot_holds_no_generated_id_state() -> None:
    # python-ulid keeps the last timestamp and randomness to stay monotonic; none
    # may be in the snapshot, or restored environments would continue one sequence.
    fresh = after_import(
        "import ulid\n"
        "from ulid import constants\n"
        "policy = ulid.default_generator.policy\n"
        "print(json.dumps(policy.prev_timestamp == constants.MIN_TIMESTAMP))"
    )
    assert fresh is True


def test_retry_backoff_does_not_draw_from_snapshotted_random_state() -> None:
    # GIVEN a write that loses its race twice, then wins
    unchanged = after_import(
        "import random\n"
        "from store.entities import with_retries\nfrom store.errors import Raced\n"
        "state = random.getstate()\n"
        "outcomes = iter([Raced(), Raced(), 'won'])\n"
        "def attempt():\n"
        "    outcome = next(outcomes)\n"
        "    if isinstance(outcome, Exception):\n"
        "        raise outcome\n"
        "    return outcome\n"
        "assert with_retries(attempt) == 'won'\n"
        "print(json.dumps(random.getstate() == state))"
    )
    # THEN its backoff jitter left `random`'s (snapshotted) state untouched
    assert unchanged is True


def test_import_leaves_out_what_only_rare_requests_need() -> None:
    # Strawberry's HTTP view and Starlette serve GET, GraphiQL and malformed requests
    # only, and a schema without federation needs none of its directives: importing
    # them would cost every cold start about 50 ms.
    modules = after_import("import sys\nprint(json.dumps(sorted(sys.modules)))")

    assert isinstance(modules, list)
    assert "web.app" in modules
    assert not {"web.view", "strawberry.asgi", "starlette"} & set(modules)
    assert "strawberry.federation.schema_directives" not in modules
    # The other functions of handler.py are built on their first call (compose.OnFirstCall).
    assert not {"events.publisher", "events.purge", "events.changes", "search.indexer"} & set(
        modules
    )
