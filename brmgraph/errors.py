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


def _escape_char(m: "object") -> str:
    n = ord(m.group())  # type: ignore[attr-defined]
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

    exit_code = 2


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
    return exc.strerror or type(exc).__name__
