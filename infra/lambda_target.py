"""What the Lambda function runs on, shared by `make lock` and `make package`."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "infra" / "requirements-lambda.txt"
# The search engine's layer (pyproject's `search` extra): a native library of about
# 10 MB that only a search loads, kept out of the function's artifact and its budget.
SEARCH_LOCK = REPO / "infra" / "requirements-search-layer.txt"

PYTHON_VERSION = "3.13"
# pip's flags for wheels that run on Lambda's python3.13 arm64 (Amazon Linux 2023):
# binary wheels only, so nothing is ever compiled for the host by mistake.
PIP_TARGET_FLAGS = [
    "--platform",
    "manylinux2014_aarch64",
    "--implementation",
    "cp",
    "--python-version",
    PYTHON_VERSION,
    "--only-binary=:all:",
]

# The runtime ships the AWS SDK; a bundled copy would shadow it and add ~25 MB.
# These are boto3, botocore and the packages only they need.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "jmespath", "s3transfer", "urllib3"})
# AWS's managed Powertools layer for python3.13 on arm64 (infra/template.yaml's
# PowertoolsLayerVersion): the layer version, and the aws-lambda-powertools release it
# holds, which pyproject.toml pins for tests and local runs. The pairing is Powertools'
# own: "v3.4.1 was released now and it creates the layer version 6 in x86_64 and arm64"
# (aws-powertools/powertools-lambda-python pull request #5869, docs/index.md). Raise both
# together, from the pull request that documents the new layer version.
POWERTOOLS_LAYER_VERSION = 6
POWERTOOLS_VERSION = "3.4.1"
# The layer is `aws-lambda-powertools[all]` less the AWS SDK (its layer_v3/docker/
# Dockerfile): Powertools, and for its Tracer the X-Ray SDK and wrapt, are not bundled.
LAYER_PROVIDED = frozenset({"aws-lambda-powertools", "aws-xray-sdk", "wrapt"})
# The lowest botocore the code supports: pyproject's `botocore>=` bound, which
# `make test-min-botocore` runs the suite against.
MIN_BOTOCORE = "1.34.0"


def target_python() -> str:
    """A CPython 3.13 interpreter, to compile bytecode the Lambda runtime will use.

    Bytecode is specific to a minor version: the host's 3.11 .pyc files would be
    ignored by python3.13. LAMBDA_PYTHON overrides the search.
    """
    candidates = [os.environ.get("LAMBDA_PYTHON", ""), shutil.which(f"python{PYTHON_VERSION}")]
    candidates += sorted(
        glob.glob(
            os.path.expanduser(f"~/.pyenv/versions/{PYTHON_VERSION}*/bin/python{PYTHON_VERSION}")
        )
    )
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == PYTHON_VERSION:
            return candidate
    raise SystemExit(
        f"No CPython {PYTHON_VERSION} found to compile the bytecode: install one "
        f"(e.g. `pyenv install {PYTHON_VERSION}`) or set LAMBDA_PYTHON to its path."
    )
