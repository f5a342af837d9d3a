"""Atomic file writes: a temporary file in the same folder, flushed, renamed into place.

A crash never leaves half a file: the content goes to ``.NAME.tmp-PID`` in the target's folder,
is flushed to disk (``fsync``), renamed over ``NAME`` (atomic on POSIX) and the folder is synced
so the rename survives a power cut. The temporary file is created by an ordinary ``open``, so the
finished file has the usual permissions (``0666`` less the process's umask) without reading or
changing the umask (``os.umask`` can only be read by setting it, a process-wide change that races
other threads). The experiment store's ``--resume`` recognises these temporary names.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def temporary_name(path: Path) -> Path:
    """The temporary file :func:`write_atomically` writes before renaming: ``.NAME.tmp-PID``."""
    return path.parent / f".{path.name}.tmp-{os.getpid()}"


def write_atomically(path: Path, write: Callable[[str], object]) -> None:
    """Call ``write(temporary_path)``, fsync it, rename it to ``path``, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_name(path)
    try:
        with open(temporary, "wb"):  # created here with the umask's permissions, then filled
            pass
        write(str(temporary))
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_atomically(path, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))
