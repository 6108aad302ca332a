"""What an ingest run tells its user: problems found (file, row, column, rule), counts, links, timing."""
from __future__ import annotations

from dataclasses import dataclass, field

VIOLATION = "violation"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``line`` is 1-based with the header as line 1; ``column`` is a CSV column name (or None when the problem
    concerns the whole file or row); ``rule`` names the check broken (``sdg-range``, ``core:Practice_Shape``…).
    """

    file: str
    line: int | None
    column: str | None
    rule: str
    message: str
    severity: str = VIOLATION

    @property
    def where(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
        if self.column:
            out += f":{self.column}"
        return out

    def __str__(self) -> str:
        tag = "" if self.severity == VIOLATION else f"{self.severity}: "
        return f"{self.where}: {tag}{self.message} [{self.rule}]"


@dataclass
class Report:
    """The outcome of reading, mapping, validating, linking and loading one source."""

    source: str = ""
    graph: str | None = None
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    linked: dict[str, int] = field(default_factory=dict)
    unlinked: list[str] = field(default_factory=list)
    #: the cities that cannot be placed on a map, each with what to fill in
    unplaced: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    loaded: bool = False
    notes: list[str] = field(default_factory=list)
    #: the distinct source URLs of the rows (dct:source), for the catalogue record
    sources: set = field(default_factory=set)

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == VIOLATION]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != VIOLATION]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def merge(self, other: "Report") -> None:
        """Fold another report (a second graph loaded in the same run) into this one."""
        self.problems.extend(other.problems)
        self.rows.update(other.rows)
        for k, v in other.classes.items():
            self.classes[k] = self.classes.get(k, 0) + v
        for k, v in other.linked.items():
            self.linked[k] = self.linked.get(k, 0) + v
        self.unlinked.extend(other.unlinked)
        self.unplaced.extend(other.unplaced)
        self.triples += other.triples
        self.seconds.update(other.seconds)
        self.notes.extend(other.notes)

    def __str__(self) -> str:
        lines = []
        head = self.source or "input"
        if self.loaded:
            lines.append(f"loaded {head}: {self.triples} triples" + (f" into {self.graph}" if self.graph else ""))
        else:
            state = "conforms" if self.conforms else f"does not conform ({len(self.violations)} problem(s))"
            lines.append(f"{head}: {state}")
        lines.extend(self.notes)
        if self.rows:
            lines.append("rows: " + ", ".join(f"{k} {v}" for k, v in sorted(self.rows.items())))
        if self.classes:
            lines.append("instances: " + ", ".join(f"{k} {v}" for k, v in sorted(self.classes.items())))
        if self.linked:
            lines.append("linked: " + ", ".join(f"{k} {v}" for k, v in sorted(self.linked.items())))
        for p in self.violations:
            lines.append(str(p))
        for p in self.warnings:
            lines.append(str(p))
        for u in self.unlinked:
            lines.append(f"not linked: {u}")
        for u in self.unplaced:
            lines.append(f"not placed: {u}")
        if self.seconds:
            lines.append("time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)
