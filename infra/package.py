"""Builds build/catalog-api.zip, the function's deployment artifact, and prints its sizes;
and build/search-layer.zip, the Lambda layer holding the search engine (tantivy).

The locked dependencies are installed as python3.13 arm64 wheels, the app's modules
copied beside them, everything compiled to python3.13 bytecode, and the tree zipped
reproducibly (sorted entries, fixed timestamps). Run it through `make package`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import zipfile
from collections import defaultdict
from pathlib import Path

from lambda_target import LOCK, PIP_TARGET_FLAGS, REPO, SEARCH_LOCK, target_python

# The trusted documents travel inside `web/`, the package that reads them; GraphiQL's
# example tabs are read from the operations' files (web/graphiql.py).
APP = [
    "handler.py",
    "settings.py",
    "compose.py",
    "errors.py",
    "web",
    "schema",
    "resolvers",
    "store",
    "models",
    "events",
    "search",
    "clients/operations",
]
ARTIFACT = "catalog-api.zip"
# A layer's packages go under python/, which the runtime puts on sys.path.
LAYER = "search-layer.zip"
# Zip entries get this timestamp, so the same sources give the same bytes.
EPOCH = (1980, 1, 1, 0, 0, 0)
APP_LABEL = "(app)"


def install_dependencies(tree: Path, lock: Path = LOCK) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--require-hashes",
            "--target",
            str(tree),
            *PIP_TARGET_FLAGS,
            "-r",
            str(lock),
        ],
        check=True,
    )
    # Console scripts (strawberry's CLI) are of no use to the function.
    shutil.rmtree(tree / "bin", ignore_errors=True)


def copy_app(tree: Path) -> None:
    for name in APP:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)


def compile_bytecode(tree: Path) -> None:
    # unchecked-hash: the runtime uses the .pyc without comparing source mtimes,
    # which a zip stores only to 2 s and /var/task cannot rewrite anyway.
    subprocess.run(
        [
            target_python(),
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            str(tree),
        ],
        check=True,
    )


def write_zip(tree: Path, artifact: Path) -> None:
    with zipfile.ZipFile(artifact, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(tree).as_posix(), date_time=EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes(), compresslevel=9)


def owners(tree: Path) -> dict[str, str]:
    """Each installed file's distribution, from the wheels' RECORD files."""
    owner: dict[str, str] = {}
    for record in tree.glob("*.dist-info/RECORD"):
        distribution = record.parent.name.split("-")[0]
        for line in record.read_text().splitlines():
            path = line.split(",")[0]
            owner[path] = distribution
            if path.endswith(".py"):
                # compileall adds the .pyc beside each module.
                owner[f"{path}c"] = distribution
    return owner


def breakdown(artifact: Path, tree: Path) -> dict[str, tuple[int, int]]:
    """(unzipped, zipped) bytes per distribution, the app's own modules as "(app)"."""
    owner = owners(tree)
    sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with zipfile.ZipFile(artifact) as archive:
        for info in archive.infolist():
            name = info.filename
            folder, _, compiled = name.rpartition("__pycache__/")
            if compiled != name:
                # foo/__pycache__/bar.cpython-313.pyc belongs with foo/bar.py
                name = f"{folder}{compiled.split('.')[0]}.pyc"
            top = name.split("/")[0]
            if top.endswith(".dist-info"):
                label = top.split("-")[0]
            else:
                own = Path(top).stem in {Path(app.split("/")[0]).stem for app in APP}
                label = owner.get(name, APP_LABEL if own else "?")
            sizes[label][0] += info.file_size
            sizes[label][1] += info.compress_size
    return {label: (unzipped, zipped) for label, (unzipped, zipped) in sizes.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", type=Path, default=REPO / "build")
    build = parser.parse_args().build_dir.resolve()
    started = time.monotonic()
    tree, artifact = build / "lambda", build / ARTIFACT
    shutil.rmtree(tree, ignore_errors=True)
    artifact.unlink(missing_ok=True)
    tree.mkdir(parents=True)

    install_dependencies(tree)
    copy_app(tree)
    compile_bytecode(tree)
    write_zip(tree, artifact)

    layer_tree, layer = build / "layer", build / LAYER
    shutil.rmtree(layer_tree, ignore_errors=True)
    layer.unlink(missing_ok=True)
    install_dependencies(layer_tree / "python", SEARCH_LOCK)
    write_zip(layer_tree, layer)

    sizes = breakdown(artifact, tree)
    unzipped = sum(size for size, _ in sizes.values())
    print(f"{'':24} {'unzipped':>12} {'zipped':>12}")
    for label, (size, zipped) in sorted(sizes.items(), key=lambda item: -item[1][1]):
        print(f"{label:24} {size:>12,} {zipped:>12,}")
    print(
        f"{artifact.relative_to(REPO) if artifact.is_relative_to(REPO) else artifact}: "
        f"{artifact.stat().st_size:,} bytes zipped, {unzipped:,} unzipped, "
        f"built in {time.monotonic() - started:.1f} s"
    )
    print(f"{layer.name} (the search layer): {layer.stat().st_size:,} bytes zipped")


if __name__ == "__main__":
    main()
