"""Bearer tokens for the write paths: stored hashed, compared in constant time, scoped by graph IRI prefix.

The tokens file (``TOKENS``, ``SCKG_TOKENS``) is JSON:
``{"tokens": [{"name", "sha256", "scope", "created"}]}``.
A token is 32 random bytes, so a plain SHA-256 of it is enough to store it safely. Only the
``Authorization: Bearer`` header is read, never a cookie, so a cross-site form cannot write.

Every change of the file (add, revoke) holds an exclusive ``flock`` on ``<file>.lock`` beside it for the
whole read-modify-write, and replaces the file atomically (a temporary file in the same folder, fsync,
``os.replace``), so parallel commands never lose each other's changes and a reader never sees half a file.
The server reads the file again on every write request, so a revocation holds from the next request on.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.errors import BadRequest, Forbidden, TokensUnavailable, Unauthorized

PREFIX = "sckg_"

log = logging.getLogger("sckg")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Token:
    name: str
    scope: str  # a graph IRI prefix, or '*' for every graph and the default graph

    def covers(self, graph: str | None) -> bool:
        """True when this token may write ``graph`` (None: the default graph, which needs '*')."""
        if self.scope == "*":
            return True
        return graph is not None and graph.startswith(self.scope)



# --- the file -----------------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _parse(text: str) -> list[dict]:
    """The records of the file. :raises ValueError, TypeError: the JSON or a record is not as described above."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("tokens", []), list):
        raise TypeError('the file is not {"tokens": [...]}')
    records = list(data.get("tokens", []))
    for i, r in enumerate(records, 1):
        if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("name", "sha256", "scope")):
            raise TypeError(f"record {i} lacks a name, sha256 or scope string")
    return records


def _load(path: str | Path) -> list[dict]:
    """The records of the tokens file; none when it does not exist.

    :raises TokensUnavailable: it cannot be read or is malformed (logged once, naming the file and why, never a
        token; the error itself names neither, because it goes to the client).
    """
    try:
        with open(path, encoding="utf-8") as f:
            return _parse(f.read())
    except FileNotFoundError:
        return []
    except UnicodeDecodeError:
        reason = "it is not UTF-8 text"
    except json.JSONDecodeError as e:
        reason = f"it is not JSON ({e.msg} at line {e.lineno}, column {e.colno})"
    except (TypeError, ValueError) as e:
        reason = str(e)
    except OSError as e:
        reason = e.strerror or type(e).__name__
    log.error("the tokens file %s cannot be used: %s; every write is refused (503) until it is repaired",
              path, reason)
    raise TokensUnavailable("writes are unavailable: the server cannot read its list of write tokens; "
                            "the operator can see why in the server's log")


def _save(path: Path, records: list[dict]) -> None:
    """Replace the file atomically: a temporary file beside it (mode 0600), fsync, rename, fsync the folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"tokens": records}, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<file>.lock`` (created beside the file); the kernel frees it if we die."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _change(path: str | Path, change: Callable[[list[dict]], bool]):
    """Read, change and write the records under the lock; ``change`` edits the list, and says whether to save."""
    path = Path(path)
    with _locked(path):
        records = _load(path)
        if change(records):
            _save(path, records)


# --- the commands' functions --------------------------------------------------------------------

_BAD_NAME = re.compile(r"[\x00-\x1f\x7f\s]")


def add(path: str | Path, name: str, scope: str) -> str:
    """Create a token; returns the secret, which is shown once and stored only as its hash.

    :raises BadRequest: the name is taken or unusable, or the scope is empty.
    :raises TokensUnavailable: the file cannot be read (it is left as it is).
    """
    if not name or _BAD_NAME.search(name):
        raise BadRequest("a token's name must be non-empty, without spaces or control characters")
    if not scope:
        raise BadRequest("a token needs a scope: a graph IRI prefix, or '*'")
    secret = PREFIX + secrets.token_urlsafe(32)
    record = {"name": name, "sha256": _digest(secret), "scope": scope,
              "created": _now().isoformat(timespec="seconds")}

    def append(records: list[dict]) -> bool:
        if any(r.get("name") == name for r in records):
            raise BadRequest(f"a token named {name!r} exists already; revoke it first")
        records.append(record)
        return True

    _change(path, append)
    return secret


def revoke(path: str | Path, name: str) -> bool:
    """Remove the token ``name``; False when there is none. The server refuses it from its next request on."""
    removed = []

    def remove(records: list[dict]) -> bool:
        kept = [r for r in records if r.get("name") != name]
        removed.extend(r for r in records if r.get("name") == name)
        records[:] = kept
        return bool(removed)

    _change(path, remove)
    return bool(removed)


def listing(path: str | Path) -> list[dict]:
    """Names, scopes and creation times (never hashes)."""
    return [{k: r.get(k) for k in ("name", "scope", "created")} for r in _load(path)]


# --- requests -----------------------------------------------------------------------------------

def authenticate(header: str | None, path: str | Path) -> Token:
    """The token an ``Authorization`` header carries; the file is read anew on every call.

    :raises Unauthorized: no bearer token, or one that is unknown or revoked.
    :raises TokensUnavailable: the tokens file cannot be read (503).
    """
    if not header or not header.startswith("Bearer "):
        raise _unauthorized("writing needs 'Authorization: Bearer <token>' (see sckg token add)")
    digest = _digest(header[len("Bearer "):].strip())
    found = None
    for r in _load(path):  # compare against every record, in constant time each
        if hmac.compare_digest(digest, r["sha256"]):
            found = r
    if found is None:
        raise _unauthorized("the bearer token is not valid (unknown or revoked)")
    return Token(found["name"], found["scope"])


def _unauthorized(message: str) -> Unauthorized:
    e = Unauthorized(message)
    e.headers = {"WWW-Authenticate": 'Bearer realm="sckg"'}
    return e


def authorize(token: Token, graphs, *, default_graph: bool = False) -> None:
    """:raises Forbidden: the token's scope does not cover every graph named (or the default graph)."""
    if default_graph and not token.covers(None):
        raise Forbidden(f"token {token.name!r} (scope {token.scope}) cannot write the default graph or every "
                        "graph; that needs a token with scope '*'")
    outside = sorted(g for g in graphs if not token.covers(g))
    if outside:
        raise Forbidden(f"token {token.name!r} may write only graphs under {token.scope}; not {outside[0]}")
