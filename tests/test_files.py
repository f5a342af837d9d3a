"""Atomic writes: complete or absent, the usual permissions, and no change of process state."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sanctionsim.files import temporary_name, write_atomically, write_text_atomically


def test_the_file_gets_a_new_files_permissions_without_touching_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")  # what any new file gets under this process's umask
    monkeypatch.setattr(os, "umask", lambda *_: pytest.fail("the umask was read or changed"))
    target = tmp_path / "sub" / "out.txt"
    write_text_atomically(target, "hello")
    assert target.read_text() == "hello"
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert not temporary_name(target).exists()


def test_a_failed_write_leaves_neither_file_nor_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def broken(temporary: str) -> None:
        Path(temporary).write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old"  # the old file is untouched
    assert not temporary_name(target).exists()
