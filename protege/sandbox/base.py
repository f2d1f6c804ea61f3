"""The sandbox interface shared by every isolation backend.

A :class:`Sandbox` is one isolated machine for one episode: a private, writable work
directory (``/work``), no network, and limits on memory, processes, CPU time and output.
Commands run with :meth:`Sandbox.exec`, which never raises for anything the command does
(a crash, a timeout, a flood of output): it reports it in the :class:`ExecResult`.
"""

from __future__ import annotations

import abc
import shlex
from dataclasses import dataclass
from types import TracebackType

from protege.errors import ProtegeError

WORKDIR = "/work"
"""The sandbox's writable work directory; commands start there."""

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_OUTPUT_LIMIT = 64 * 1024
"""Bytes kept of each of stdout and stderr; the rest is read and dropped (never buffered)."""


class SandboxError(ProtegeError, RuntimeError):
    """A sandbox that cannot be started or used (not a failure of the command inside it)."""


class SandboxUnavailableError(SandboxError):
    """No isolation backend works on this machine; the message says what to install."""


@dataclass(frozen=True)
class ExecResult:
    """What one command did inside the sandbox."""

    stdout: str
    """Standard output, decoded as UTF-8 (invalid bytes replaced), cut at the output limit."""
    stderr: str
    """Standard error, decoded and cut like :attr:`stdout`."""
    exit_code: int | None
    """The exit status; 128 + n when killed by signal n; ``None`` if it could not be read."""
    timed_out: bool
    """Whether the command was killed because it ran past its timeout."""
    truncated: bool
    """Whether stdout or stderr went past the output limit (the command is then stopped)."""
    duration_s: float
    """Wall-clock seconds from start to exit."""

    @property
    def ok(self) -> bool:
        """Whether the command exited with status 0 in time."""
        return self.exit_code == 0 and not self.timed_out


class OutputBuffer:
    """Keeps the first ``limit`` bytes written to it and counts the rest without storing it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.kept = 0
        self.total = 0

    @classmethod
    def of(cls, limit: int, kept: bytes, total: int) -> OutputBuffer:
        """A buffer that already holds ``kept`` out of ``total`` bytes written."""
        buffer = cls(limit)
        buffer.write(kept)
        buffer.total = max(total, len(kept))
        return buffer

    def write(self, data: bytes) -> None:
        """Add a chunk; keep only what fits under the limit."""
        self.total += len(data)
        room = self.limit - self.kept
        if room > 0:
            piece = data[:room]
            self.parts.append(piece)
            self.kept += len(piece)

    @property
    def overflowed(self) -> bool:
        """Whether more than ``limit`` bytes were written."""
        return self.total > self.limit

    def text(self) -> str:
        """The kept bytes as text, with a marker when bytes were dropped."""
        text = b"".join(self.parts).decode("utf-8", errors="replace")
        if self.overflowed:
            text += f"\n[... output truncated: {self.total - self.kept}+ more bytes dropped ...]"
        return text


class Sandbox(abc.ABC):
    """One isolated work directory and the commands run in it; a context manager.

    Backends implement :meth:`exec` and :meth:`close`; :meth:`write_file` and
    :meth:`read_file` are built on :meth:`exec` and work on paths relative to ``/work``
    (absolute paths are taken as they are, and fail outside the writable work directory).
    """

    backend: str = ""
    """Short name of the backend (``docker`` or ``local``)."""

    def __init__(
        self, timeout_s: float = DEFAULT_TIMEOUT_S, output_limit: int = DEFAULT_OUTPUT_LIMIT
    ) -> None:
        self.default_timeout_s = timeout_s
        self.output_limit = output_limit
        self.closed = False

    @abc.abstractmethod
    def exec(
        self,
        command: str | list[str],
        stdin: bytes | str | None = None,
        timeout: float | None = None,
    ) -> ExecResult:
        """Run ``command`` (a shell string, or an argv list) in ``/work``; never raise for it."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop the sandbox and remove everything it holds; safe to call twice."""

    def write_file(self, path: str, content: str | bytes) -> ExecResult:
        """Write ``content`` to ``path``, creating parent directories."""
        quoted = shlex.quote(path)
        return self.exec(
            f'mkdir -p -- "$(dirname -- {quoted})" && cat > {quoted}', stdin=content, timeout=10
        )

    def read_file(self, path: str) -> ExecResult:
        """Read ``path``; the result's stdout is the content (cut at the output limit)."""
        return self.exec(["cat", "--", path], timeout=10)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def as_argv(command: str | list[str]) -> list[str]:
    """A shell string runs through ``sh -c``; a list is already an argv."""
    return ["sh", "-c", command] if isinstance(command, str) else list(command)


def as_bytes(stdin: bytes | str | None) -> bytes | None:
    """Encode text stdin as UTF-8."""
    return stdin.encode() if isinstance(stdin, str) else stdin
