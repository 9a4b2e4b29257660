"""What the disk cache trusts: entries signed with the user's own key, in directories only the user can write.

A cache entry is code adjoint will compile and run in a later process, so it is never taken
on the word of the file system: each entry carries an HMAC-SHA256 of its content under a
per-user secret key kept outside the cache directory (created on first use, mode 0600), and a
cache directory that another user owns, or that group or others may write (without the sticky
bit), is not used at all.

    ADJOINT_KEY_FILE=PATH     the key (default: $XDG_CONFIG_HOME/adjoint/key or ~/.config/adjoint/key)
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Iterator, Optional

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

_LOCK = threading.Lock()
_KEY: dict = {}
_WARNED: set = set()


def key_file() -> Path:
    explicit = os.environ.get("ADJOINT_KEY_FILE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "adjoint" / "key"


def secret_key() -> bytes:
    """The user's key: read from key_file(), or made there on first use. A key file that cannot
    be read or holds no key is replaced; where none can be written, the process keeps its own."""
    path = key_file()
    with _LOCK:
        if path not in _KEY:
            _KEY[path] = _read_key(path) or _create_key(path)
        return _KEY[path]


def _read_key(path: Path) -> Optional[bytes]:
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return key if len(key) == 32 else None


def _create_key(path: Path) -> bytes:
    """A new key, made under a lock on the key's directory so that processes racing to create
    it all end up with the same one (the first to hold the lock writes it; the others read it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _directory_lock(path.parent):
            existing = _read_key(path)
            if existing is not None:
                return existing
            key = secrets.token_bytes(32)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
            try:
                with os.fdopen(handle, "w", encoding="ascii") as stream:  # mkstemp makes it 0600
                    stream.write(key.hex())
                os.replace(temporary, path)  # also replaces an unreadable or malformed key file
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
    except OSError:
        return secrets.token_bytes(32)  # nowhere to keep it: this process signs with a key of its own
    return _read_key(path) or key


@contextlib.contextmanager
def _directory_lock(directory: Path) -> Iterator[None]:
    """An exclusive lock between processes (flock on a lock file; where there is no fcntl, none)."""
    with open(directory / ".key.lock", "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def sign(payload: bytes) -> str:
    return hmac.new(secret_key(), payload, hashlib.sha256).hexdigest()


def verify(payload: bytes, mac: object) -> bool:
    return isinstance(mac, str) and hmac.compare_digest(sign(payload), mac)


def usable_directory(directory: Path) -> bool:
    """Create `directory` (0700) if needed; True when only this user can write it."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        status = directory.stat()
    except OSError:
        return False
    foreign = hasattr(os, "getuid") and status.st_uid != os.getuid()
    shared = status.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not status.st_mode & stat.S_ISVTX
    if foreign or shared:
        reason = "is owned by another user" if foreign else "may be written by other users"
        warn_once(directory, "unsafe", f"adjoint does not use the cache directory {directory}: it {reason}; "
                                       "derivatives are generated anew (set ADJOINT_CACHE_DIR to a directory "
                                       "of your own)")
        return False
    return True


def warn_once(directory: Path, kind: str, message: str) -> None:
    """One warning of each kind per directory in a process."""
    if (str(directory), kind) not in _WARNED:
        _WARNED.add((str(directory), kind))
        warnings.warn(message, RuntimeWarning, stacklevel=4)
