"""The root of SCKG's error hierarchy, and the errors of the ingest layer.

Every error SCKG raises on purpose is a :class:`KGError`. It carries an HTTP ``status`` and a short
``title`` so that the web app renders all of them in one place, and the CLI prints them as one line.
"""
from __future__ import annotations


class KGError(Exception):
    """Base class: a message for people, plus optional machine-readable details."""

    status = 500
    title = "Internal error"

    def __init__(self, message: str, *, details: object | None = None):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class InputError(KGError):
    """A source file cannot be read as promised: names the file, the row (1-based, header = 1) and the column."""

    status = 400
    title = "Bad input"

    def __init__(self, path: object, line: int | None, message: str, *, column: str | None = None):
        self.path = str(path)
        self.line = line
        self.column = column
        where = self.path
        if line is not None:
            where += f":{line}"
        if column:
            where += f":{column}"
        super().__init__(f"{where}: {message}")


class MappingError(KGError):
    """A record cannot be turned into RDF (bad value, unknown reference)."""

    status = 400
    title = "Mapping error"


class LinkError(KGError):
    """Linking to an outside authority failed in a way that must stop the run."""

    status = 400
    title = "Linking error"


class ValidationFailed(KGError):
    """The data does not conform to the shapes; ``report`` holds every problem."""

    status = 400
    title = "Validation failed"

    def __init__(self, message: str, report: object):
        super().__init__(message, details=report)
        self.report = report


class StoreError(KGError):
    """The store failed while reading or writing."""

    status = 500
    title = "Store error"


class StoreUnavailable(StoreError):
    """The store (a remote SPARQL server) cannot be reached right now."""

    status = 503
    title = "Store unavailable"


class StoreFull(StoreError):
    """The store's disk has no room for a write; nothing of the write was kept."""

    status = 507
    title = "Insufficient storage"


class StoreReadOnly(StoreError):
    """The store serves reads only (its disk is read-only or full, or it was opened read-only)."""

    status = 503
    title = "Read-only store"


class WriteRefused(KGError):
    """The engine refused an update it could parse (a graph that does not exist, an invalid value): the
    client's request, not a failure; nothing of it was kept."""

    status = 400
    title = "Update refused"


class QuerySyntaxError(KGError):
    """A SPARQL query or update does not parse; the message is the parser's."""

    status = 400
    title = "Malformed query"


class InputProblems(InputError):
    """Several problems found in source files at once, so a user can fix them all in one pass.

    ``problems`` is a list of :class:`ingest.report.Problem`; the message lists one per line.
    """

    def __init__(self, problems: list):
        self.problems = list(problems)
        first = self.problems[0]
        KGError.__init__(self, "\n".join(str(p) for p in self.problems), details=self.problems)
        self.path = first.file
        self.line = first.line
        self.column = first.column


class ShapesError(KGError):
    """The SHACL shapes themselves cannot be used (they do not parse or pySHACL rejects them)."""

    status = 500
    title = "Shapes error"


class TooManyTriples(KGError):
    """An upload would become more triples than one write over HTTP may hold (``MAX_UPLOAD_TRIPLES``)."""

    status = 413
    title = "Payload too large"


class Abandoned(KGError):
    """The client is gone, or has surely given up, before the write: nothing is committed."""

    status = 503
    title = "Not written"


class UndeclaredFormat(KGError):
    """A partner sent a file in a format its mapping does not declare."""

    status = 415
    title = "Unsupported media type"
