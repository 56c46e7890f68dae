"""The server's own secrets: given in settings, or generated once and kept in the data dir."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _kept(path: Path, make: str) -> str:
    if path.exists():
        return path.read_text("utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(make + "\n")
    return make


def server_secret(data_dir: Path, given: str = "") -> bytes:
    return (given or _kept(data_dir / "secret", secrets.token_hex(32))).encode()


def organiser_key(data_dir: Path, given: str = "") -> str:
    return given or _kept(data_dir / "organiser-key", secrets.token_urlsafe(18))
