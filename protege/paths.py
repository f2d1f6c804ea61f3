"""Output folders that a failing command does not leave behind."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def output_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Create the folder ``path`` (with missing parents) for a command's outputs.

    If the block raises, each folder created here that is still empty is removed again, so a
    failed command leaves no empty folders; anything written into them is kept.
    """
    path = Path(path)
    created = [folder for folder in (path, *path.parents) if not folder.exists()]
    path.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    except BaseException:
        for folder in created:  # deepest first; a folder with files in it stays
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
