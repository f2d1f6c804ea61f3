"""Fixtures that give a sandbox of each backend, or skip (fail, where Docker is required)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from protege.sandbox import Sandbox, docker_problem

REQUIRE_DOCKER = os.environ.get("PROTEGE_REQUIRE_DOCKER") == "1"


def require_docker() -> None:
    """Skip when Docker or the image is missing; fail instead under PROTEGE_REQUIRE_DOCKER=1."""
    problem = docker_problem()
    if problem is None:
        return
    if REQUIRE_DOCKER:
        pytest.fail(f"PROTEGE_REQUIRE_DOCKER=1 but the Docker sandbox cannot run: {problem}")
    pytest.skip(f"Docker sandbox unavailable: {problem}")


def require_bwrap() -> None:
    """Skip when bubblewrap cannot run a sandbox here."""
    from protege.sandbox.local import bwrap_problem

    problem = bwrap_problem()
    if problem is not None:
        pytest.skip(f"bubblewrap sandbox unavailable: {problem}")


BACKENDS = [pytest.param("docker", marks=pytest.mark.docker), "local"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``docker`` or ``local``, skipped (or failed) where it cannot run."""
    if request.param == "docker":
        require_docker()
    else:
        require_bwrap()
    return request.param


@pytest.fixture
def make_box(backend: str) -> Iterator[Callable[..., Sandbox]]:
    """A factory of sandboxes of ``backend``; every one it made is closed afterwards."""
    from protege.sandbox.docker_backend import DockerSandbox
    from protege.sandbox.local import LocalSandbox

    made: list[Sandbox] = []

    def factory(**kwargs: object) -> Sandbox:
        box = (DockerSandbox if backend == "docker" else LocalSandbox)(**kwargs)  # type: ignore[arg-type]
        made.append(box)
        return box

    yield factory
    for box in made:
        box.close()
