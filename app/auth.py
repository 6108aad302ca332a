"""Bearer tokens for the write paths: stored hashed, compared in constant time, scoped by graph IRI prefix.

The tokens file (``TOKENS``, ``SCKG_TOKENS``) is JSON: ``{"tokens": [{"name", "sha256", "scope", "created"}]}``.
A token is 32 random bytes, so a plain SHA-256 of it is enough to store it safely. Only the
``Authorization: Bearer`` header is read, never a cookie, so a cross-site form cannot write.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from app.errors import BadRequest, Forbidden, Unauthorized

PREFIX = "sckg_"


@dataclass(frozen=True)
class Token:
    name: str
    scope: str  # a graph IRI prefix, or '*' for every graph and the default graph

    def covers(self, graph: str | None) -> bool:
        """True when this token may write ``graph`` (None: the default graph, which needs '*')."""
        if self.scope == "*":
            return True
        return graph is not None and graph.startswith(self.scope)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _load(path: str | Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as f:
            return list(json.load(f).get("tokens", []))
    except FileNotFoundError:
        return []
    except (OSError, ValueError, AttributeError) as e:
        raise BadRequest(f"the tokens file cannot be read: {e}") from None


def _save(path: str | Path, records: list[dict]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tokens-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"tokens": records}, f, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def add(path: str | Path, name: str, scope: str) -> str:
    """Create a token; returns the secret, which is shown once and stored only as its hash.

    :raises BadRequest: the name is taken or the scope is empty.
    """
    if not scope:
        raise BadRequest("a token needs a scope: a graph IRI prefix, or '*'")
    records = _load(path)
    if any(r.get("name") == name for r in records):
        raise BadRequest(f"a token named {name!r} exists already; revoke it first")
    secret = PREFIX + secrets.token_urlsafe(32)
    records.append({"name": name, "sha256": _digest(secret), "scope": scope,
                    "created": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    _save(path, records)
    return secret


def revoke(path: str | Path, name: str) -> bool:
    records = _load(path)
    kept = [r for r in records if r.get("name") != name]
    if len(kept) != len(records):
        _save(path, kept)
    return len(kept) != len(records)


def listing(path: str | Path) -> list[dict]:
    """Names, scopes and creation times (never hashes)."""
    return [{k: r.get(k) for k in ("name", "scope", "created")} for r in _load(path)]


def authenticate(header: str | None, path: str | Path) -> Token:
    """The token an ``Authorization`` header carries.

    :raises Unauthorized: no bearer token, or one that is unknown or revoked.
    """
    if not header or not header.startswith("Bearer "):
        raise _unauthorized("writing needs 'Authorization: Bearer <token>' (see sckg token add)")
    digest = _digest(header[len("Bearer "):].strip())
    found = None
    for r in _load(path):  # compare against every record, in constant time each
        if hmac.compare_digest(digest, str(r.get("sha256", ""))):
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
