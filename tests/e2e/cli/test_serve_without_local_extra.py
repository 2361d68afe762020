"""`catalog serve` after a plain `pip install .`: one line saying what to install, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.cli.conftest import cli_env

INSTALL = "pip install 'catalog-api[local]'"


def serve_without(module: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`catalog serve` in a process where importing `module` fails as if never installed."""
    # None in sys.modules is how Python itself marks a module as not importable: the
    # import raises ModuleNotFoundError naming it, as it does for a missing package.
    program = (
        f"import sys; sys.modules[{module!r}] = None; "
        "from cli.main import main; sys.exit(main(['serve', '--port', '0']))"
    )
    return subprocess.run(
        [sys.executable, "-c", program],
        env=cli_env(**env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_serve_without_uvicorn_says_what_to_install(tmp_path: Path) -> None:
    result = serve_without("uvicorn", tmp_path)

    assert result.returncode == 1
    assert result.stderr == (
        f"catalog serve: uvicorn is not installed; it comes with the local extra: {INSTALL}\n"
    )
    assert result.stdout == ""
    assert not (tmp_path / ".data").exists()


def test_serve_without_moto_or_dynamodb_local_says_what_to_install(tmp_path: Path) -> None:
    # Without the jar serve falls back to moto, which the plain install lacks too.
    result = serve_without("moto", tmp_path, DYNAMODB_LOCAL_JAR="/nonexistent")

    assert result.returncode == 1
    assert result.stderr == (
        f"catalog serve: moto is not installed; it comes with the local extra: {INSTALL}\n"
    )
