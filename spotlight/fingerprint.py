"""Fingerprints of inputs and code, so stages re-run only when what they read has changed."""
from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from spotlight.settings import PROJECT_ROOT

CODE_PACKAGES = ("spotlight", "extract", "normalise", "metrics", "reports", "flows")
# The compiled extensions' sources (.pyx, and the .pxi files they include) count; what the build makes from them
# (.c, .so) does not.
CODE_SUFFIXES = frozenset({".py", ".pyx", ".pxi", ".sql", ".j2", ".html", ".json"})


def file_sha256(path: Path) -> str:
    """Return the sha256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def files_fingerprint(paths: Iterable[Path]) -> str:
    """Return one sha256 over the names and contents of the given files (order-independent)."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(str(path.name).encode())
        digest.update(file_sha256(path).encode())
    return digest.hexdigest()


def combine(*parts: str) -> str:
    """Return a sha256 over several fingerprints or labels."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def code_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Return the source files of the code packages under `root` (Python, Cython, SQL, templates), sorted."""
    files: list[Path] = []
    for package in CODE_PACKAGES:
        files += [p for p in (root / package).rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()]
    return sorted(files)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Return a sha256 over the project's sources (`code_files`): it changes when code changes."""
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """Return the package version plus the git commit when available, e.g. `0.1.0+3f2a1bc`."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        base = version("skills-spotlight")
    except PackageNotFoundError:
        base = "0.0.0"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{base}+{commit}" if commit else base
