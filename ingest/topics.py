"""The topic vocabulary (ontology/vocab/topics.ttl) as the ingest needs it: the slugs a `topics` cell may name."""
from __future__ import annotations

import functools
import re

from ingest import resources

TOPIC_BASE = "https://w3id.org/sckg/id/topic/"
_SUBJECT = re.compile(r"^<" + re.escape(TOPIC_BASE) + r"([a-z0-9]+(?:-[a-z0-9]+)*)>", re.MULTILINE)


@functools.lru_cache(maxsize=1)
def topic_slugs() -> tuple[str, ...]:
    """The slugs of the topics the vocabulary describes, sorted (empty when the file is missing)."""
    path = resources.resource_dir("ontology") / "vocab" / "topics.ttl"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ()
    return tuple(sorted(set(_SUBJECT.findall(text))))
