"""The project as a package: a wheel installed into a clean venv serves the API.

What `pip install .` gives a user carries everything the code reads (the trusted
documents' manifest among it), and no module reads a file of the source tree.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cli.conftest import Served, cli_env

REPO = Path(__file__).resolve().parents[3]
UV = Path(sys.executable).parent / "uv"


def run(*command: str | Path, cwd: Path = REPO) -> None:
    subprocess.run([str(part) for part in command], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the wheel of this tree and its `local` extra installed, nothing else."""
    folder = tmp_path_factory.mktemp("wheel")
    run(UV, "build", "--wheel", "--quiet", "--out-dir", folder / "dist")
    (wheel,) = (folder / "dist").glob("catalog_api-*.whl")
    venv = folder / "venv"
    run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    run(UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python", f"{wheel}[local]")
    return venv


def test_wheel_install_serves_a_query(installed: Path, tmp_path: Path) -> None:
    # GIVEN the wheel installed (not editable), run outside the source tree, with
    # trusted documents on, so the packaged manifest must be found
    env = cli_env(CATALOG_TRUSTED_DOCUMENTS="allow")
    logs = tmp_path / "logs"
    logs.mkdir()
    command = [str(installed / "bin" / "catalog"), "serve", "--port", "0"]

    # WHEN `catalog serve` starts (moto, as the wheel carries no DynamoDB Local)
    served = Served(tmp_path, logs, env, command)
    try:
        answer = served.graphql("{ products(first: 1) { edges { node { name } } } }")
    finally:
        status = served.stop()

    # THEN it answers from the sample catalog it seeded, and stops cleanly
    assert answer["data"]["products"]["edges"], served.output()
    assert status == 0, served.output()
