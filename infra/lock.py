"""Writes infra/requirements-lambda.txt: the runtime dependencies for Lambda, pinned and hashed.

Resolves pyproject's [project] dependencies for python3.13 on manylinux arm64 with
`pip install --dry-run --report`, and keeps every package but the AWS SDK the
runtime provides and what AWS's Powertools layer provides. Run it through `make lock`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from lambda_target import (
    LAYER_PROVIDED,
    LOCK,
    MIN_BOTOCORE,
    PIP_TARGET_FLAGS,
    POWERTOOLS_LAYER_VERSION,
    REPO,
    RUNTIME_PROVIDED,
    SEARCH_LOCK,
)

HEADER = f"""\
# The Lambda function's dependencies for python3.13 on arm64, pinned with hashes.
# Written by `make lock` (infra/lock.py) from pyproject.toml's dependencies; do not edit.
#
# Not bundled, provided by the Lambda runtime: {", ".join(sorted(RUNTIME_PROVIDED))}.
# Not bundled, provided by AWS's Powertools layer (version {POWERTOOLS_LAYER_VERSION}):
# {", ".join(sorted(LAYER_PROVIDED))}.
# The code needs botocore>={MIN_BOTOCORE}, the lowest version `make test-min-botocore`
# runs the suite against; python3.13 came to Lambda in November 2024 with a later one.
"""


SEARCH_HEADER = """\
# The search layer's packages (pyproject's `search` extra) for python3.13 on arm64,
# pinned with hashes. Written by `make lock` (infra/lock.py); do not edit.
"""


def main() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    write(LOCK, HEADER, project["dependencies"])
    write(SEARCH_LOCK, SEARCH_HEADER, project["optional-dependencies"]["search"])


def write(lock: Path, header: str, requirements: list[str]) -> None:
    """Resolve `requirements` for the Lambda's platform into `lock`, pinned and hashed."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--dry-run",
                "--ignore-installed",
                "--report",
                str(report),
                "--target",
                str(Path(scratch) / "target"),
                *PIP_TARGET_FLAGS,
                *requirements,
            ],
            check=True,
        )
        resolved = json.loads(report.read_text())["install"]
    lines = [header]
    for item in sorted(resolved, key=lambda item: item["metadata"]["name"].lower()):
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        if name.lower() in RUNTIME_PROVIDED | LAYER_PROVIDED:
            continue
        digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{digest}\n")
    lock.write_text("".join(lines))
    print(f"wrote {lock.relative_to(REPO)}")


if __name__ == "__main__":
    main()
