"""Local backend: bubblewrap (``bwrap``) for machines without Docker.

Each command runs in fresh namespaces (no network, own pid/ipc/uts/cgroup/user namespace,
every capability dropped) over a read-only view of the host's ``/usr`` only: the host's
``/etc``, home directories and the project checkout are not mounted. ``/work`` is the
episode's private directory (a fresh ``0700`` temporary directory on the host, bound
read-write; it lives as long as the sandbox), ``/tmp`` is a tmpfs per command and the root is
read-only. Limits come from ``prlimit``: address space (memory), processes (fork bombs), CPU
seconds, file size and open files. When protege runs as root, commands run as ``nobody``
(``setpriv``) because the kernel does not apply the process limit to root.

What bubblewrap cannot match in Docker: memory is capped per process (address space), not
for the whole sandbox; ``/work`` has no size quota beyond the per-file size limit; there is
no CPU share quota, only a CPU-time limit; and ``/usr`` of the host stays readable.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from protege.sandbox.base import (
    DEFAULT_OUTPUT_LIMIT,
    DEFAULT_TIMEOUT_S,
    WORKDIR,
    ExecResult,
    OutputBuffer,
    Sandbox,
    SandboxError,
    SandboxUnavailableError,
    as_argv,
    as_bytes,
)

NOBODY_UID = 65534
WORKDIR_PREFIX = "protege-sandbox-"
"""Work directories are ``<tmp>/protege-sandbox-<owner pid>-<random>``."""
ROOT_ENTRIES = ("bin", "lib", "lib32", "lib64", "libx32", "sbin")


@dataclass(frozen=True)
class ProcessLimits:
    """``prlimit`` limits of every process in a local sandbox."""

    memory_mb: int = 512
    """Address-space limit per process, MiB."""
    processes: int = 64
    """Most processes of the sandbox user at once."""
    cpu_seconds: int = 60
    """CPU seconds per process."""
    file_mb: int = 64
    """Largest file a process may write, MiB."""
    open_files: int = 256


def sweep_leftovers() -> list[str]:
    """Delete work directories left by processes that are gone (e.g. killed by SIGKILL)."""
    removed = []
    for path in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*-*"):
        pid = path.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed


_SWEPT = False


def _sweep_once() -> None:
    global _SWEPT
    if not _SWEPT:
        _SWEPT = True
        sweep_leftovers()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot run a sandbox here, or ``None`` when it can."""
    missing = [tool for tool in ("bwrap", "prlimit") if shutil.which(tool) is None]
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        missing.append("setpriv")
    if missing:
        return f"{', '.join(missing)} not found; run: apt-get install -y bubblewrap util-linux"
    try:
        with LocalSandbox(timeout_s=10) as sandbox:
            result = sandbox.exec("echo ok")
    except SandboxError as error:
        return str(error)
    if result.stdout.strip() != "ok":
        return f"bwrap does not start a sandbox: {result.stderr.strip()[:300]}"
    return None


class LocalSandbox(Sandbox):
    """A private work directory and ``bwrap`` commands over it; see the module docstring."""

    backend = "local"

    def __init__(
        self,
        limits: ProcessLimits | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
    ) -> None:
        super().__init__(timeout_s=timeout_s, output_limit=output_limit)
        if shutil.which("bwrap") is None:
            raise SandboxUnavailableError(
                "bubblewrap is not installed; run: apt-get install -y bubblewrap"
            )
        self.limits = limits or ProcessLimits()
        _sweep_once()
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
        self._as_root = os.geteuid() == 0
        if self._as_root:
            os.chown(self.workdir, NOBODY_UID, NOBODY_UID)
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.workdir), True)

    def close(self) -> None:
        """Delete the work directory."""
        self.closed = True
        self._finalizer()

    def close_in_background(self) -> None:
        """Same as :meth:`close` (deleting a directory is quick)."""
        self.close()

    def _argv(self, command: list[str]) -> list[str]:
        argv = ["setpriv", f"--reuid={NOBODY_UID}", f"--regid={NOBODY_UID}", "--clear-groups"]
        argv = argv if self._as_root else []
        argv += ["bwrap", "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000"]
        argv += ["--cap-drop", "ALL", "--die-with-parent", "--new-session"]
        argv += ["--ro-bind", "/usr", "/usr"]
        for entry in ROOT_ENTRIES:
            path = Path("/", entry)
            if path.is_symlink():
                argv += ["--symlink", os.readlink(path), f"/{entry}"]
            elif path.is_dir():
                argv += ["--ro-bind", str(path), f"/{entry}"]
        argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        argv += ["--bind", str(self.workdir), WORKDIR, "--remount-ro", "/", "--chdir", WORKDIR]
        argv += ["--clearenv", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin"]
        argv += ["--setenv", "HOME", WORKDIR, "--setenv", "LANG", "C.UTF-8"]
        argv += ["--setenv", "PYTHONDONTWRITEBYTECODE", "1"]
        limits = self.limits
        argv += [
            "prlimit",
            f"--as={limits.memory_mb * 2**20}",
            f"--nproc={limits.processes}",
            f"--cpu={limits.cpu_seconds}",
            f"--fsize={limits.file_mb * 2**20}",
            f"--nofile={limits.open_files}",
            "--",
        ]
        return argv + command

    def exec(
        self,
        command: str | list[str],
        stdin: bytes | str | None = None,
        timeout: float | None = None,
    ) -> ExecResult:
        """Run ``command``; past ``timeout`` the whole sandbox process tree is killed."""
        if self.closed:
            raise SandboxError("this sandbox is closed")
        timeout = self.default_timeout_s if timeout is None else timeout
        data = as_bytes(stdin)
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                self._argv(as_argv(command)),
                stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as error:
            raise SandboxError(f"cannot start bwrap: {error}") from error
        if data is not None:
            threading.Thread(target=_feed, args=(process, data), daemon=True).start()
        stdout, stderr = OutputBuffer(self.output_limit), OutputBuffer(self.output_limit)
        timed_out = _pump(process, stdout, stderr, started + timeout)
        exit_code = process.wait()
        return ExecResult(
            stdout=stdout.text(),
            stderr=stderr.text(),
            exit_code=128 - exit_code if exit_code < 0 else exit_code,
            timed_out=timed_out,
            truncated=stdout.overflowed or stderr.overflowed,
            duration_s=time.monotonic() - started,
        )


def _feed(process: subprocess.Popen, data: bytes) -> None:
    with contextlib.suppress(OSError):
        assert process.stdin is not None
        process.stdin.write(data)
        process.stdin.close()


def _pump(
    process: subprocess.Popen, stdout: OutputBuffer, stderr: OutputBuffer, deadline: float
) -> bool:
    """Read both pipes to EOF; kill the process group on overflow or past ``deadline``."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, stdout)  # type: ignore[arg-type]
    selector.register(process.stderr, selectors.EVENT_READ, stderr)  # type: ignore[arg-type]
    timed_out = killed = False
    while selector.get_map():
        remaining = deadline - time.monotonic()
        if remaining <= 0 and not killed:
            timed_out = killed = _kill(process)
        elif remaining < -10:  # killed long ago and a pipe is still open: stop waiting
            break
        for key, _ in selector.select(timeout=max(remaining, 0.05) if not killed else 1.0):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                continue
            key.data.write(chunk)
            if key.data.overflowed and not killed:
                killed = _kill(process)
    selector.close()
    return timed_out


def _kill(process: subprocess.Popen) -> bool:
    # bwrap is the leader of its own session; killing it takes down the sandbox's pid
    # namespace (its init dies by --die-with-parent, and every process in it with that).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    return True
