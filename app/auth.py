"""Bearer tokens for the write paths: stored hashed, compared in constant time, scoped by graph IRI.

The tokens file (``TOKENS``, ``SCKG_TOKENS``) is JSON:
``{"tokens": [{"name", "sha256", "scope", "created", "expires"}]}`` (``expires`` is UTC ISO 8601, or absent).
A token is 32 random bytes, so a plain SHA-256 of it is enough to store it safely. Only the
``Authorization: Bearer`` header is read, never a cookie, so a cross-site form cannot write.

Every change of the file (add, revoke) holds an exclusive ``flock`` on ``<file>.lock`` beside it for the
whole read-modify-write, and replaces the file atomically (a temporary file in the same folder, fsync,
``os.replace``), so parallel commands never lose each other's changes and a reader never sees half a file.
The server reads the file again on every write request, so a revocation holds from the next request on.

A scope is ``*`` (every graph, and the default graph), an IRI ending in ``/`` (the graphs under that path),
or a graph IRI (that graph, and the graphs under ``IRI/``). It is never a bare string prefix: the scope
``…/partner/geo`` does not cover ``…/partner/geonames/x`` nor ``…/partner/geo-evil``.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.errors import BadRequest, Forbidden, TokensUnavailable, Unauthorized

PREFIX = "sckg_"
ALL = "*"

log = logging.getLogger("sckg")


def _now() -> datetime:
    return datetime.now(UTC)


# --- scopes -------------------------------------------------------------------------------------

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def scope_problem(scope: str) -> str | None:
    """Why ``scope`` is refused, or None when it is ``*``, an IRI ending in ``/``, or a whole graph IRI."""
    if scope == ALL:
        return None
    if not scope:
        return "a token needs a scope: a graph IRI, an IRI ending in '/' for the graphs under it, or '*'"
    if _NOT_IN_IRI.search(scope):
        return "the scope is not an IRI: it holds a space, a control character or one of <>\"{}|\\^`"
    if ALL in scope:
        return ("the scope holds '*', but there are no wildcards: '*' alone means every graph; for the graphs "
                "under a path, end the scope with '/'")
    if not _SCHEME.match(scope):
        return ("the scope must be an absolute IRI, e.g. https://w3id.org/sckg/graph/partner/un-habitat/ "
                "(or '*' for every graph)")
    rest = scope[_SCHEME.match(scope).end():]
    if rest.startswith("//"):
        authority, _, path = rest[2:].partition("/")
        if not authority:
            return "the scope names no host; give the graphs' IRI, e.g. https://w3id.org/sckg/graph/partner/…/"
        segments = path.split("/")[:-1] if path.endswith("/") else path.split("/")
        if path and ("" in segments or "." in segments or ".." in segments):
            return "the scope's path has an empty, '.' or '..' segment; write the graphs' IRI as it is stored"
    last = scope[-1]
    if last != "/" and not last.isalnum():
        return (f"the scope ends in {last!r}, so it reads like the start of graph names, and scopes are not "
                "string prefixes: end it with '/' for the graphs under a path (…/partner/geo/), or give a "
                "whole graph IRI (…/partner/geo covers that graph and the graphs under …/partner/geo/)")
    return None


def check_scope(scope: str) -> str:
    """:raises BadRequest: the scope is ambiguous or not an IRI (see :func:`scope_problem`)."""
    problem = scope_problem(scope)
    if problem:
        raise BadRequest(problem)
    return scope


def describe_scope(scope: str) -> str:
    """The graphs a scope covers, in words."""
    if scope == ALL:
        return "every graph"
    if scope.endswith("/"):
        return f"the graphs under {scope}"
    return f"the graph {scope} and the graphs under {scope}/"


@dataclass(frozen=True)
class Token:
    name: str
    scope: str  # '*', an IRI ending in '/', or a graph IRI (see scope_problem)
    expires: datetime | None = None

    def covers(self, graph: str | None) -> bool:
        """True when this token may write ``graph`` (None: the default graph, which needs '*')."""
        if self.scope == ALL:
            return True
        if graph is None or scope_problem(self.scope):  # a stored scope that is refused today covers nothing
            return False
        if self.scope.endswith("/"):
            return graph.startswith(self.scope)
        return graph == self.scope or graph.startswith(self.scope + "/")


# --- expiry -------------------------------------------------------------------------------------

_DURATION = re.compile(r"(?:\d+[wdhms])+")
_UNIT = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1),
         "s": timedelta(seconds=1)}


def parse_expiry(text: str, now: datetime | None = None) -> datetime:
    """The UTC instant ``text`` names: a duration from now (``30d``, ``12h``, ``1w2d``; ``m`` is minutes),
    a date (``2027-01-31``: from 00:00 UTC that day on, the token is refused) or an ISO 8601 datetime
    (UTC unless it gives an offset).

    :raises BadRequest: not one of those, or not in the future.
    """
    now = now or _now()
    text = text.strip()
    if _DURATION.fullmatch(text):
        try:
            when = now + sum((int(n) * _UNIT[u] for n, u in re.findall(r"(\d+)([wdhms])", text)), timedelta())
        except OverflowError:
            raise BadRequest(f"--expires {text!r} is too far in the future") from None
    else:
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise BadRequest(f"--expires {text!r} is neither a duration (30d, 12h, 2w, 90m), a date (2027-01-31) "
                             "nor an ISO 8601 datetime (2027-01-31T18:00:00Z)") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC).replace(microsecond=0)
    if when <= now:
        raise BadRequest(f"--expires {text!r} is not in the future ({when.isoformat()} is past)")
    return when


def _stamp(value: Any) -> datetime | None:
    """A stored ``expires``: None, or an aware datetime. :raises ValueError: anything else."""
    if value is None:
        return None
    when = datetime.fromisoformat(value)  # TypeError/ValueError on a non-string or a bad date
    if when.tzinfo is None:
        raise ValueError("an expiry without a UTC offset")
    return when


# --- the file -----------------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _parse(text: str) -> list[dict]:
    """The records of the file. :raises ValueError, TypeError: the JSON or a record is not as described above."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("tokens", []), list):
        raise TypeError('the file is not {"tokens": [...]}')
    records = list(data.get("tokens", []))
    for i, r in enumerate(records, 1):
        if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("name", "sha256", "scope")):
            raise TypeError(f"record {i} lacks a name, sha256 or scope string")
        if not _SHA256.fullmatch(r["sha256"]):
            raise ValueError(f"record {i} has a sha256 that is not 64 hexadecimal digits")
        try:
            _stamp(r.get("expires"))
        except (TypeError, ValueError):
            raise ValueError(f"record {i} has an expiry that is not an ISO 8601 UTC datetime") from None
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
    except RecursionError:
        reason = "it is nested too deeply"
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


def add(path: str | Path, name: str, scope: str, expires: datetime | None = None) -> str:
    """Create a token; returns the secret, which is shown once and stored only as its hash.

    :raises BadRequest: the name is taken or unusable, the scope is refused (:func:`scope_problem`), or
        ``expires`` (UTC when naive) is past.
    :raises TokensUnavailable: the file cannot be read (it is left as it is).
    """
    if not name or _BAD_NAME.search(name):
        raise BadRequest("a token's name must be non-empty, without spaces or control characters")
    check_scope(scope)
    now = _now()
    if expires is not None:
        expires = (expires if expires.tzinfo else expires.replace(tzinfo=UTC)).astimezone(UTC)
        if expires <= now:
            raise BadRequest("the expiry is not in the future")
    secret = PREFIX + secrets.token_urlsafe(32)
    record = {"name": name, "sha256": _digest(secret), "scope": scope,
              "created": now.isoformat(timespec="seconds")}
    if expires is not None:
        record["expires"] = expires.isoformat(timespec="seconds")

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
    """Names, scopes, creation and expiry times (never hashes); ``expired`` and ``problem`` (a refused scope)."""
    now = _now()
    out = []
    for r in _load(path):
        expires = _stamp(r.get("expires"))
        out.append({"name": r["name"], "scope": r["scope"], "created": r.get("created"),
                    "expires": expires.isoformat() if expires else None,
                    "expired": expires is not None and expires <= now, "problem": scope_problem(r["scope"])})
    return out


# --- requests -----------------------------------------------------------------------------------

def authenticate(header: str | None, path: str | Path) -> Token:
    """The token an ``Authorization`` header carries; the file is read anew on every call.

    :raises Unauthorized: no bearer token, or one that is unknown, revoked or expired.
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
        raise _unauthorized("the bearer token is not valid (unknown or revoked)", invalid=True)
    expires = _stamp(found.get("expires"))
    if expires is not None and expires <= _now():
        raise _unauthorized(f"the bearer token expired at {expires.isoformat()}; ask for a new one", invalid=True)
    return Token(found["name"], found["scope"], expires)


def _unauthorized(message: str, *, invalid: bool = False) -> Unauthorized:
    e = Unauthorized(message)
    e.headers = {"WWW-Authenticate": 'Bearer realm="sckg"' + (', error="invalid_token"' if invalid else "")}
    return e


def authorize(token: Token, graphs, *, default_graph: bool = False) -> None:
    """:raises Forbidden: the token's scope does not cover every graph named (or the default graph)."""
    if default_graph and not token.covers(None):
        raise Forbidden(f"token {token.name!r} (scope {token.scope}) cannot write the default graph or every "
                        "graph; that needs a token with scope '*'")
    outside = sorted(g for g in graphs if not token.covers(g))
    if outside:
        raise Forbidden(f"token {token.name!r} may write only {describe_scope(token.scope)}; not {outside[0]}")
