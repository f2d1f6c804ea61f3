"""Sandbox latency core: one step in a warm container versus a ``docker run`` per step, and
reset time with and without the warm pool (plus the bubblewrap backend for comparison).

Each step runs ``echo hi``. Targets: warm step p50 <= 50 ms, reset from the pool <= 20 ms.
Used by ``benchmarks/sandbox_latency.py`` and ``protege bench``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

TARGETS_MS = {"docker: warm step (executor)": 50.0, "docker: reset from the pool": 20.0}


def measure(action: Callable[[], object], repeats: int, warmup: int = 2) -> list[float]:
    """Wall-clock milliseconds of ``repeats`` calls, after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def docker_rows(steps: int, runs: int, resets: int) -> dict[str, list[float]]:
    """Time the Docker backend's steps and resets."""
    from protege.sandbox.docker_backend import IMAGE, DockerSandbox, docker_client
    from protege.sandbox.pool import WarmPool

    client = docker_client()
    rows: dict[str, list[float]] = {}
    with DockerSandbox() as box:
        rows["docker: warm step (executor)"] = measure(lambda: box.exec("echo hi"), steps)
        box.exec_mode = "docker-exec"
        rows["docker: warm step (docker exec)"] = measure(lambda: box.exec("echo hi"), steps)

    def docker_run() -> None:
        client.containers.run(
            IMAGE,
            ["sh", "-c", "echo hi"],
            remove=True,
            network_mode="none",
            mem_limit="512m",
            pids_limit=128,
            read_only=True,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            user="1000:1000",
        )

    rows["docker: docker run per step"] = measure(docker_run, runs, warmup=1)
    rows["docker: reset without a pool"] = measure(
        lambda: DockerSandbox().close_in_background(), resets, warmup=1
    )

    pool = WarmPool(size=2)

    def from_pool() -> float:
        pool.wait_ready()  # a reset arrives when the pool has refilled (one per episode)
        started = time.perf_counter()
        box = pool.acquire()
        elapsed = (time.perf_counter() - started) * 1000
        box.close_in_background()
        return elapsed

    from_pool()
    rows["docker: reset from the pool"] = [from_pool() for _ in range(resets)]
    pool.close()
    return rows


def local_rows(steps: int, resets: int) -> dict[str, list[float]]:
    """Time the bubblewrap backend's steps and resets."""
    from protege.sandbox.local import LocalSandbox, bwrap_problem

    if bwrap_problem() is not None:
        return {}
    with LocalSandbox() as box:
        step = measure(lambda: box.exec("echo hi"), steps)
    return {
        "local (bwrap): step": step,
        "local (bwrap): reset": measure(lambda: LocalSandbox().close(), resets),
    }
