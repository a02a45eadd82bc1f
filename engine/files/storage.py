"""Where file bytes live. One interface, so object storage can replace the local folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol


class FileStorage(Protocol):
    def put(self, content: bytes) -> str:
        """Store the bytes; return the key to read them back."""

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...


class FolderStorage:
    """Content-addressed files in a local folder: the key is the SHA-256, written atomically."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("invalid storage key")
        return self.root / key[:2] / key

    def put(self, content: bytes) -> str:
        key = hashlib.sha256(content).hexdigest()
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(content)
            os.replace(temporary, path)
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


def default_storage() -> FolderStorage:
    """The folder named by MOTCUA_FILES_DIR (default ./var/files)."""
    return FolderStorage(os.environ.get("MOTCUA_FILES_DIR", "var/files"))
