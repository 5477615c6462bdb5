"""Named errors and the one table of exit codes.

The CLI turns every :class:`BrmError` into one line on stderr and the error's exit code.
:data:`EXIT_CODES` is the only list of exit codes and their meanings: the help text and
``docs/cli.md`` are generated from it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported at run time only when needed
    import re


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    BAD_INPUT = 2
    FLAGGED = 3
    NOT_FOUND = 4
    STORE_UNAVAILABLE = 5
    SETUP = 6
    LOCAL_NEO4J = 7
    NOTIFY_FAILED = 8
    SERVER_STOPPED = 9
    SERVER_NOT_ANSWERING = 10
    INTERNAL = 70
    INTERRUPTED = 130


#: exit code → what it means, for people and scripts that run brmgraph
EXIT_CODES: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.ERROR: "another brmgraph error",
    ExitCode.BAD_INPUT: "bad command-line arguments (a malformed perspective, date or shard...) "
    "or a rejected import (invalid data; nothing was written)",
    ExitCode.FLAGGED: "`flags --fail-on-flags` printed at least one flag",
    ExitCode.NOT_FOUND: "an unknown id (customer, project, key person, employee, team, competitor) or a missing file",
    ExitCode.STORE_UNAVAILABLE: "the store cannot be opened or does not answer",
    ExitCode.SETUP: "a prerequisite is missing (Java, Maven, Chromium...)",
    ExitCode.LOCAL_NEO4J: "the local Neo4j server did not start or stop",
    ExitCode.NOTIFY_FAILED: "`notify`: at least one channel failed (the others were sent; the summary names it)",
    ExitCode.SERVER_STOPPED: "`neo4j status`: the local Neo4j server is stopped",
    ExitCode.SERVER_NOT_ANSWERING: "`neo4j status`: the local Neo4j server runs but does not answer",
    ExitCode.INTERNAL: "an unexpected internal error (a bug: please report it)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C) or aborted",
}


class BrmError(Exception):
    """Base of every error brmgraph reports to a user."""

    exit_code: int = ExitCode.ERROR


class InvalidData(BrmError):
    """A data set broke one or more rules of the input format.

    ``problems`` holds every problem found, each a ``Problem`` (where, why).
    """

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[Problem], source: str = "") -> None:
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

    exit_code = ExitCode.NOT_FOUND


class BadArgument(BrmError):
    """A command-line value is malformed (perspective spelling, store URL...)."""

    exit_code = ExitCode.BAD_INPUT


class EmptyReplace(BadArgument):
    """A replacing import of a data set without records (it would empty the store)."""


class StoreUnavailable(BrmError):
    """The store cannot be opened or does not answer."""

    exit_code = ExitCode.STORE_UNAVAILABLE


class SetupError(BrmError):
    """A prerequisite is missing (Java, Maven, Chromium...)."""

    exit_code = ExitCode.SETUP


# --------------------------------------------------------------------------- showing user text
#: longest piece of user-supplied text echoed in a message (the rest is cut with "…")
ECHO_LIMIT = 80
#: longest line printed for one error
LINE_LIMIT = 2000

_UNSAFE = None


def escaped(text: str, limit: int | None = None) -> str:
    """``text`` made safe to print: control characters, lone surrogates and other
    unprintable code points become ``\\xNN``/``\\uNNNN`` escapes (no terminal escape
    sequences, no encoding errors); cut to ``limit`` characters with "…"."""
    global _UNSAFE
    if _UNSAFE is None:
        import re

        _UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff]")
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(_escape_char, text)
    return text


def _escape_char(m: re.Match[str]) -> str:
    n = ord(m.group())
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def capped(text: str, limit: int = 300) -> str:
    """A message part (such as a parser's explanation) cut to ``limit`` characters."""
    return escaped(text, limit)


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """A user-supplied value as echoed in a message: quoted like ``repr``, escaped, and
    cut to ``limit`` characters (a 300 MB value never becomes a 300 MB message)."""
    if isinstance(value, str):
        cut = value[:limit]
        text = repr(cut)
        if len(value) > limit:
            text = text[:-1] + "…" + text[-1]
        return escaped(text)
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 1000 else "<a very large number>"
    return escaped(text, limit)


def safe_line(text: str) -> str:
    """One line of error output: escaped and at most :data:`LINE_LIMIT` characters."""
    return escaped(text.replace("\n", " "), LINE_LIMIT)


class CannotWrite(BrmError):
    """An output file (``--out``) cannot be written: full disk, no permission, missing folder."""

    exit_code = ExitCode.BAD_INPUT


def os_error_text(exc: OSError) -> str:
    """A short, plain reason for an operating-system error (for one-line messages)."""
    import errno

    if exc.errno == errno.ENOSPC:
        return "the disk is full (no space left on device)"
    if exc.errno == errno.EDQUOT:
        return "the disk quota is exceeded"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return exc.strerror or type(exc).__name__
