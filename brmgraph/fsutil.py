"""Output files written atomically: the whole file appears, or none does.

Every file brmgraph writes for a user (maps, exports, generated data sets) goes through
:func:`atomic_write`: the content is written to a temporary file in the same folder and
renamed over the target only once it is complete and flushed, so a full disk, a missing
permission or a crash never leaves a partial file (and never damages an older file of
the same name). Failures are :class:`~brmgraph.errors.CannotWrite` (exit 2).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import CannotWrite, escaped, os_error_text


def cannot_write(path: str | os.PathLike[str], exc: OSError) -> CannotWrite:
    """The one wording of an output file that cannot be written."""
    import errno

    why = "the file would exceed the size limit of this system" if exc.errno == errno.EFBIG else os_error_text(exc)
    return CannotWrite(
        f"cannot write {escaped(str(path), 300)}: {why}; nothing was written "
        "(free some space, fix the permissions, or choose another file)"
    )


@contextmanager
def atomic_file(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """An open temporary file beside ``path``; when the block ends without an error it is
    flushed, synced and renamed to ``path``; otherwise it is removed."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:50]}.", suffix=".part", dir=folder)
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):  # keep the usual permissions of a new file
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise cannot_write(target, exc) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.remove(tmp)


def atomic_write(path: str | os.PathLike[str], content: str | bytes | Callable[[IO[Any]], None]) -> Path:
    """Write ``content`` (text, bytes, or a function that writes to the open file) to
    ``path`` atomically; returns the path."""
    mode = "wb" if isinstance(content, bytes) else "w"
    with atomic_file(path, mode, **({} if mode == "wb" else {"newline": ""})) as fh:
        if callable(content):
            content(fh)
        else:
            fh.write(content)
    return Path(path)
