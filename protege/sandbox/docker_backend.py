"""Docker backend: one locked-down container per episode; each step runs a command in it.

The container runs from ``protege-sandbox:py`` with no network, a memory limit (no swap), a
pids limit, a CPU quota, a read-only root file system with tmpfs ``/work`` and ``/tmp``, a
non-root user, every capability dropped and ``no-new-privileges``. Steps go to the
container's executor (:mod:`protege.sandbox.executor`, a few ms each) or, with
``exec_mode="docker-exec"``, each through a ``docker exec`` (one ``runc exec``, ~70-100 ms).

Leftover containers are prevented three ways: :meth:`DockerSandbox.close` removes the
container (also run by a ``weakref.finalize``, so on garbage collection and at interpreter
exit); the container's main process (the executor, under Docker's ``--init``, which reaps
orphans) reads a stdin that only this Python process holds open, so when the process dies
(even by SIGKILL) the daemon closes that stdin, the executor exits and ``auto_remove``
deletes the container; and every container carries a label naming its owner, so
:func:`sweep_leftovers` (run when a client first connects) removes those whose owner process
is gone.
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import struct
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

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
from protege.sandbox.executor import EXECUTOR_SOURCE, FrameReader, encode_request

IMAGE = "protege-sandbox:py"
LABEL = "protege.sandbox"
"""Every protege container has this label; its value is the owner's ``host:pid``."""
SANDBOX_UID = 1000
KILL_GRACE_S = 2.0
"""Seconds past a command's timeout before the host stops waiting on its output."""
EXECUTOR_GRACE_S = 15.0
"""Seconds past a command's timeout before the host gives up on the executor's answer."""
ExecMode = Literal["executor", "docker-exec"]
"""How a step runs: through the in-container executor, or as one ``docker exec``."""


@dataclass(frozen=True)
class ContainerLimits:
    """Resource limits of one sandbox container."""

    memory_mb: int = 512
    """Memory limit (and memory+swap limit, so no swap), MiB."""
    pids: int = 128
    """Most processes and threads at once; stops fork bombs."""
    cpus: float = 1.0
    """CPU quota in cores."""
    work_mb: int = 64
    """Size of the tmpfs ``/work`` (and of ``/tmp``), MiB."""


def owner_tag() -> str:
    """``host:pid`` of this process, the value of :data:`LABEL` on its containers."""
    return f"{socket.gethostname()}:{os.getpid()}"


def docker_client() -> Any:
    """A connected ``docker`` client, or :class:`SandboxUnavailableError` saying what is wrong."""
    try:
        import docker
    except ImportError as error:
        raise SandboxUnavailableError(
            "the `docker` Python package is not installed; run: pip install docker"
        ) from error
    try:
        client = docker.from_env(timeout=60)
        client.ping()
    except Exception as error:
        host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
        raise SandboxUnavailableError(
            f"cannot reach the Docker engine at {host} ({type(error).__name__}); install "
            "docker.io and start it (`dockerd &` or `systemctl start docker`), or set "
            "DOCKER_HOST to a running engine"
        ) from error
    _sweep_once(client)
    return client


def image_exists(client: Any, image: str = IMAGE) -> bool:
    """Whether ``image`` is present locally."""
    import docker

    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        return False
    return True


_SWEPT = False
_SWEEP_LOCK = threading.Lock()


def _sweep_once(client: Any) -> None:
    global _SWEPT
    with _SWEEP_LOCK:
        if not _SWEPT:
            _SWEPT = True
            sweep_leftovers(client)


def sweep_leftovers(client: Any) -> list[str]:
    """Remove protege containers of this host whose owner process is gone; return their ids."""
    removed = []
    host = socket.gethostname()
    for container in client.api.containers(all=True, filters={"label": LABEL}):
        owner_host, _, pid = (container.get("Labels") or {}).get(LABEL, "").rpartition(":")
        if owner_host != host or not pid.isdigit() or _process_alive(int(pid)):
            continue
        with contextlib.suppress(Exception):
            client.api.remove_container(container["Id"], force=True)
            removed.append(container["Id"])
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_container(client: Any, image: str, limits: ContainerLimits) -> tuple[str, Any]:
    """Create and start one sandbox container; return its id and the stdin lifeline socket."""
    tmpfs_options = f"rw,exec,nosuid,nodev,size={limits.work_mb}m,uid={SANDBOX_UID},mode=0700"
    try:
        container = client.api.create_container(
            image,
            command=["python3", "-u", "-c", EXECUTOR_SOURCE],
            user=f"{SANDBOX_UID}:{SANDBOX_UID}",
            working_dir=WORKDIR,
            stdin_open=True,
            network_disabled=True,
            labels={LABEL: owner_tag()},
            environment={"HOME": WORKDIR, "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"},
            host_config=client.api.create_host_config(
                auto_remove=True,
                init=True,  # an init that reaps orphans, so killed processes free their pids
                network_mode="none",
                mem_limit=f"{limits.memory_mb}m",
                memswap_limit=f"{limits.memory_mb}m",
                pids_limit=limits.pids,
                nano_cpus=int(limits.cpus * 1e9),
                read_only=True,
                tmpfs={WORKDIR: tmpfs_options, "/tmp": tmpfs_options},
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                ulimits=[_ulimit("nofile", 1024)],
                log_config={"type": "none"},  # answers go over the attach stream, not to disk
            ),
        )
    except Exception as error:
        raise SandboxError(f"cannot create a container from {image!r}: {error}") from error
    container_id = container["Id"]
    lifeline = client.api.attach_socket(
        container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
    )
    client.api.start(container_id)
    return container_id, lifeline


def _ulimit(name: str, value: int) -> Any:
    import docker

    return docker.types.Ulimit(name=name, soft=value, hard=value)


def remove_container(client: Any, container_id: str, lifeline: Any = None) -> None:
    """Remove a container, ignoring one that is already gone."""
    if lifeline is not None:
        with contextlib.suppress(Exception):
            lifeline.close()
    with contextlib.suppress(Exception):
        client.api.remove_container(container_id, force=True)


class DockerSandbox(Sandbox):
    """One container for one episode; see the module docstring for its limits."""

    backend = "docker"

    def __init__(
        self,
        image: str = IMAGE,
        limits: ContainerLimits | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
        client: Any = None,
        container: tuple[str, Any] | None = None,
        exec_mode: ExecMode = "executor",
    ) -> None:
        """Start a container, or adopt ``container`` (an id and lifeline from a pool).

        ``exec_mode="executor"`` runs steps through the in-container executor
        (:mod:`protege.sandbox.executor`); ``"docker-exec"`` runs each as a ``docker exec``.
        """
        super().__init__(timeout_s=timeout_s, output_limit=output_limit)
        self.client = client if client is not None else docker_client()
        self.image = image
        self.limits = limits or ContainerLimits()
        if container is None:
            if not image_exists(self.client, image):
                raise SandboxUnavailableError(
                    f"the sandbox image {image!r} is missing; build it with: "
                    "protege sandbox build --offline"
                )
            container = start_container(self.client, image, self.limits)
        self.container_id, self._lifeline = container
        self.exec_mode = exec_mode
        self._procs_file: str | None = None
        self._lock = threading.Lock()
        self._reader = FrameReader()
        self._finalizer = weakref.finalize(
            self, remove_container, self.client, self.container_id, self._lifeline
        )

    def close(self) -> None:
        """Remove the container now."""
        self.closed = True
        self._finalizer()

    def close_in_background(self) -> None:
        """Remove the container on a daemon thread (the finalizer still covers exit)."""
        self.closed = True
        threading.Thread(target=self._finalizer, daemon=True).start()

    def exec(
        self,
        command: str | list[str],
        stdin: bytes | str | None = None,
        timeout: float | None = None,
    ) -> ExecResult:
        """Run ``command`` with ``timeout`` seconds (killed with its process group past it)."""
        if self.closed:
            raise SandboxError("this sandbox is closed")
        timeout = self.default_timeout_s if timeout is None else timeout
        if self.exec_mode == "executor":
            return self._exec_in_executor(as_argv(command), as_bytes(stdin), timeout)
        return self._docker_exec(command, as_bytes(stdin), timeout)

    def _exec_in_executor(self, argv: list[str], data: bytes | None, timeout: float) -> ExecResult:
        """One request to the container's executor over the attach connection."""
        raw = getattr(self._lifeline, "_sock", self._lifeline)
        started = time.monotonic()
        with self._lock:
            try:
                raw.settimeout(30)
                raw.sendall(encode_request(argv, data, timeout, self.output_limit))
                answer = self._reader.next_answer()
                while answer is None:
                    raw.settimeout(
                        max(started + timeout + EXECUTOR_GRACE_S - time.monotonic(), 0.01)
                    )
                    chunk = raw.recv(65536)
                    if not chunk:
                        raise SandboxError(
                            "the sandbox container has stopped (its executor exited: killed by "
                            "a command, or out of memory)"
                        )
                    self._reader.feed(chunk)
                    answer = self._reader.next_answer()
            except (OSError, ValueError) as error:
                self.close_in_background()
                raise SandboxError(f"the sandbox stopped answering: {error}") from error
        if "error" in answer:
            raise SandboxError(f"the sandbox executor failed: {answer['error']}")
        stdout = OutputBuffer.of(
            self.output_limit, base64.b64decode(answer["stdout"]), answer["stdout_total"]
        )
        stderr = OutputBuffer.of(
            self.output_limit, base64.b64decode(answer["stderr"]), answer["stderr_total"]
        )
        return ExecResult(
            stdout=stdout.text(),
            stderr=stderr.text(),
            exit_code=int(answer["exit"]),
            timed_out=bool(answer["timed_out"]),
            truncated=stdout.overflowed or stderr.overflowed,
            duration_s=time.monotonic() - started,
        )

    def _docker_exec(
        self, command: str | list[str], data: bytes | None, timeout: float
    ) -> ExecResult:
        """One ``docker exec`` (the slower path, kept for comparison and for old images)."""
        # `timeout` makes itself the leader of a new process group and kills the whole group
        # past the deadline; the host can also kill that group early (see _kill_group).
        argv = ["timeout", "-k", "1", f"{timeout:.3f}", *as_argv(command)]
        started = time.monotonic()
        try:
            exec_id = self.client.api.exec_create(
                self.container_id, argv, stdin=data is not None, workdir=WORKDIR
            )["Id"]
            sock = self.client.api.exec_start(exec_id, socket=True)
        except Exception as error:
            raise SandboxError(f"docker exec failed: {error}") from error
        raw = getattr(sock, "_sock", sock)
        try:
            if data is not None:
                _send_stdin(raw, data)
            stdout, stderr = OutputBuffer(self.output_limit), OutputBuffer(self.output_limit)
            stopped = self._pump(raw, stdout, stderr, started + timeout + KILL_GRACE_S, exec_id)
        finally:
            with contextlib.suppress(Exception):
                sock.close()
        duration = time.monotonic() - started
        exit_code, pid = self._exit_info(exec_id)
        # Processes do not outlive their step: stop what the command left running (this also
        # ends a fork bomb, whose copies share the command's process group).
        self._kill_group_on_host(pid)
        timed_out = stopped == "timeout" or (exit_code in (124, 137) and duration >= timeout * 0.98)
        return ExecResult(
            stdout=stdout.text(),
            stderr=stderr.text(),
            exit_code=exit_code,
            timed_out=timed_out,
            truncated=stdout.overflowed or stderr.overflowed,
            duration_s=duration,
        )

    def _pump(
        self, raw: Any, stdout: OutputBuffer, stderr: OutputBuffer, deadline: float, exec_id: str
    ) -> str | None:
        """Read the multiplexed stream to EOF; stop the command on overflow or past deadline."""
        buffers = {1: stdout, 2: stderr}
        pending = b""
        stopped: str | None = None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if stopped is not None:  # already killed and still no EOF: give up
                    break
                stopped = "timeout"
                self._kill_group(exec_id)
                deadline = time.monotonic() + KILL_GRACE_S
                continue
            raw.settimeout(remaining)
            try:
                chunk = raw.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            pending += chunk
            while len(pending) >= 8:
                stream, size = pending[0], struct.unpack(">I", pending[4:8])[0]
                if len(pending) < 8 + size:
                    break
                buffers.get(stream, stdout).write(pending[8 : 8 + size])
                pending = pending[8 + size :]
            if stopped is None and (stdout.overflowed or stderr.overflowed):
                stopped = "overflow"
                self._kill_group(exec_id)
                deadline = time.monotonic() + KILL_GRACE_S
        return stopped

    def _kill_group(self, exec_id: str) -> None:
        """SIGKILL the command's process group (its ``timeout`` is the group leader)."""
        with contextlib.suppress(Exception):
            pid = int(self.client.api.exec_inspect(exec_id).get("Pid") or 0)
            if self._kill_group_on_host(pid):
                return
        # The engine is on another machine (its pids are not ours): kill from inside. The
        # container's init (`cat`) is immune to this within its own pid namespace.
        with contextlib.suppress(Exception):
            self.client.api.exec_start(
                self.client.api.exec_create(self.container_id, ["kill", "-KILL", "-1"])["Id"]
            )

    def _kill_group_on_host(self, group: int) -> bool:
        """Kill the container's processes in process group ``group``; False if we cannot see
        them. Only pids listed in the container's own cgroup are signalled, so a host pid that
        was reused is never touched."""
        if group <= 0:
            return False
        if self._procs_file is None:
            self._procs_file = ""
            with contextlib.suppress(Exception):
                init_pid = self.client.api.inspect_container(self.container_id)["State"]["Pid"]
                self._procs_file = _cgroup_procs_file(int(init_pid)) or ""
        if not self._procs_file:
            return False
        try:
            pids = Path(self._procs_file).read_text().split()
        except OSError:
            return False
        for pid in pids:
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(f"/proc/{pid}/stat").read_text()
                if int(stat.rpartition(")")[2].split()[2]) == group:
                    # A container process is in the group, so the group id is not reused:
                    # killpg is safe, and atomic against a fork bomb's new copies.
                    os.killpg(group, signal.SIGKILL)
                    break
        return True

    def _exit_info(self, exec_id: str) -> tuple[int | None, int]:
        """The exit code (``None`` if unknown) and the host pid of a finished exec."""
        for _ in range(50):
            info = self.client.api.exec_inspect(exec_id)
            if not info.get("Running") and info.get("ExitCode") is not None:
                return int(info["ExitCode"]), int(info.get("Pid") or 0)
            time.sleep(0.01)
        return None, 0


def _cgroup_procs_file(pid: int) -> str | None:
    """The ``cgroup.procs`` file of host process ``pid``'s container (cgroup v1 or v2)."""
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers in ("pids", ""):
            base = "/sys/fs/cgroup/pids" if controllers == "pids" else "/sys/fs/cgroup"
            candidate = Path(base + path) / "cgroup.procs"
            if path not in ("", "/") and candidate.exists():
                return str(candidate)
    return None


def _send_stdin(raw: Any, data: bytes) -> None:
    raw.settimeout(30)
    with contextlib.suppress(OSError):
        raw.sendall(data)
    with contextlib.suppress(OSError):
        raw.shutdown(socket.SHUT_WR)
