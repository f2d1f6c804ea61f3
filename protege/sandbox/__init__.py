"""Isolated sandboxes for running untrusted code: Docker containers or bubblewrap.

``make_sandbox("auto")`` picks Docker when the engine and the image ``protege-sandbox:py``
are there, else bubblewrap; ``protege sandbox doctor`` says which backends work and why not,
``protege sandbox build [--offline]`` builds the image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from protege.sandbox.base import (
    WORKDIR,
    ExecResult,
    Sandbox,
    SandboxError,
    SandboxUnavailableError,
)

Backend = Literal["auto", "docker", "local"]
BACKENDS: tuple[str, ...] = ("auto", "docker", "local")


@dataclass(frozen=True)
class BackendReport:
    """Whether one backend works on this machine, and why not."""

    backend: str
    works: bool
    detail: str


def docker_problem(image: str | None = None) -> str | None:
    """Why the Docker backend cannot run here, or ``None`` when it can."""
    from protege.sandbox.docker_backend import IMAGE, docker_client, image_exists

    image = image or IMAGE
    try:
        client = docker_client()
    except SandboxUnavailableError as error:
        return str(error)
    if not image_exists(client, image):
        return f"image {image!r} is missing; run: protege sandbox build --offline"
    return None


def doctor() -> list[BackendReport]:
    """Check every backend by starting a sandbox and running a command in it."""
    from protege.sandbox.docker_backend import DockerSandbox
    from protege.sandbox.local import bwrap_problem

    reports = []
    problem = docker_problem()
    if problem is None:
        try:
            with DockerSandbox() as sandbox:
                result = sandbox.exec("python3 -c 'print(6 * 7)'")
            if result.stdout.strip() != "42":
                problem = f"python3 in the container failed: {result.stderr.strip()[:200]}"
        except SandboxError as error:
            problem = str(error)
    reports.append(BackendReport("docker", problem is None, problem or "engine and image ok"))
    problem = bwrap_problem()
    reports.append(BackendReport("local", problem is None, problem or "bubblewrap ok"))
    return reports


def resolve_backend(backend: str = "auto") -> str:
    """``docker`` or ``local`` for ``backend``; ``auto`` picks the first that works."""
    from protege.sandbox.local import bwrap_problem

    if backend not in BACKENDS:
        raise ValueError(f"unknown sandbox backend {backend!r}; expected one of {BACKENDS}")
    if backend != "auto":
        return backend
    docker_why = docker_problem()
    if docker_why is None:
        return "docker"
    local_why = bwrap_problem()
    if local_why is None:
        return "local"
    raise SandboxUnavailableError(
        f"no sandbox backend works: docker: {docker_why}; bubblewrap: {local_why}"
    )


def sandbox_problem(backend: str = "auto") -> str | None:
    """Why no sandbox of ``backend`` can run here, or ``None`` when one can."""
    try:
        resolved = resolve_backend(backend)
    except SandboxUnavailableError as error:
        return str(error)
    if resolved == "docker":
        return docker_problem()
    from protege.sandbox.local import bwrap_problem

    return bwrap_problem()


def make_sandbox(backend: str = "auto", **kwargs: object) -> Sandbox:
    """Start a sandbox of ``backend`` (``auto``, ``docker`` or ``local``)."""
    from protege.sandbox.docker_backend import DockerSandbox
    from protege.sandbox.local import LocalSandbox

    if resolve_backend(backend) == "docker":
        return DockerSandbox(**kwargs)  # type: ignore[arg-type]
    return LocalSandbox(**kwargs)  # type: ignore[arg-type]


__all__ = [
    "BACKENDS",
    "WORKDIR",
    "BackendReport",
    "ExecResult",
    "Sandbox",
    "SandboxError",
    "SandboxUnavailableError",
    "docker_problem",
    "doctor",
    "make_sandbox",
    "resolve_backend",
    "sandbox_problem",
]
