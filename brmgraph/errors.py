"""Named errors. The CLI turns every :class:`BrmError` into one line and a non-zero exit."""

from __future__ import annotations


class BrmError(Exception):
    """Base of every error brmgraph reports to a user."""

    exit_code = 1


class InvalidData(BrmError):
    """A data set broke one or more rules of SPEC §3.

    ``problems`` holds every problem found, each a ``Problem`` (where, why).
    """

    exit_code = 2

    def __init__(self, problems: list["Problem"], source: str = "") -> None:
        self.problems = problems
        self.source = source
        first = problems[0] if problems else None
        head = f"{len(problems)} problem(s) in {source or 'data set'}"
        super().__init__(f"{head}: {first}" if first else head)


class Problem:
    """One validation problem: ``where`` (file and JSON path or CSV row) and ``why``."""

    __slots__ = ("where", "why")

    def __init__(self, where: str, why: str) -> None:
        self.where = where
        self.why = why

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"

    def __repr__(self) -> str:
        return f"Problem({self.where!r}, {self.why!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.where, self.why) == (other.where, other.why)

    def __hash__(self) -> int:
        return hash((self.where, self.why))


class NotFound(BrmError):
    """An id (customer, project, person, employee, team, competitor) does not exist."""

    exit_code = 4


class BadArgument(BrmError):
    """A command-line value is malformed (perspective spelling, store URL...)."""

    exit_code = 2


class StoreUnavailable(BrmError):
    """The store cannot be opened or does not answer."""

    exit_code = 5


class SetupError(BrmError):
    """A prerequisite is missing (Java, Maven, Chromium...)."""

    exit_code = 6
