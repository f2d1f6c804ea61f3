"""A warm pool of started sandbox containers, so an environment's ``reset`` never waits.

A background thread keeps ``size`` containers started; :meth:`WarmPool.acquire` hands one
out at once and the thread starts a replacement. When the pool runs dry (more resets per
second than containers can start) ``acquire`` starts one itself. Containers still in the pool
are removed by :meth:`WarmPool.close` and at interpreter exit.
"""

from __future__ import annotations

import atexit
import contextlib
import queue
import threading
from typing import Any

from protege.sandbox.base import DEFAULT_OUTPUT_LIMIT, DEFAULT_TIMEOUT_S, SandboxUnavailableError
from protege.sandbox.docker_backend import (
    IMAGE,
    ContainerLimits,
    DockerSandbox,
    docker_client,
    image_exists,
    remove_container,
    start_container,
)


class WarmPool:
    """Keeps ``size`` containers of ``image`` started and hands them out as sandboxes."""

    def __init__(
        self, size: int = 2, image: str = IMAGE, limits: ContainerLimits | None = None
    ) -> None:
        self.size = size
        self.image = image
        self.limits = limits or ContainerLimits()
        self.client = docker_client()
        if not image_exists(self.client, image):
            raise SandboxUnavailableError(
                f"the sandbox image {image!r} is missing; build it with: "
                "protege sandbox build --offline"
            )
        self._ready: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._wanted = threading.Event()
        self._closed = False
        self.errors: list[str] = []
        self._thread = threading.Thread(target=self._refill, name="protege-pool", daemon=True)
        self._thread.start()
        self._wanted.set()
        atexit.register(self.close)

    def acquire(
        self, timeout_s: float = DEFAULT_TIMEOUT_S, output_limit: int = DEFAULT_OUTPUT_LIMIT
    ) -> DockerSandbox:
        """A started sandbox: from the pool when one is ready, else started now."""
        try:
            container = self._ready.get_nowait()
        except queue.Empty:
            container = None
        self._wanted.set()
        return DockerSandbox(
            image=self.image,
            limits=self.limits,
            timeout_s=timeout_s,
            output_limit=output_limit,
            client=self.client,
            container=container,
        )

    def ready(self) -> int:
        """How many started containers wait in the pool."""
        return self._ready.qsize()

    def wait_ready(self, timeout_s: float = 60.0) -> bool:
        """Block until the pool is full (benchmarks and tests); return whether it filled."""
        import time

        deadline = time.monotonic() + timeout_s
        while self.ready() < self.size and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.ready() >= self.size

    def close(self) -> None:
        """Stop refilling and remove the containers still in the pool."""
        self._closed = True
        self._wanted.set()
        while True:
            try:
                container_id, lifeline = self._ready.get_nowait()
            except queue.Empty:
                break
            remove_container(self.client, container_id, lifeline)

    def _refill(self) -> None:
        client = docker_client()  # a client of its own: requests sessions are not thread-safe
        while not self._closed:
            self._wanted.wait()
            self._wanted.clear()
            while not self._closed and self._ready.qsize() < self.size:
                try:
                    container = start_container(client, self.image, self.limits)
                except Exception as error:  # report it; acquire() then starts its own
                    self.errors.append(str(error))
                    break
                if self._closed:
                    remove_container(client, *container)
                    break
                self._ready.put(container)


_POOLS: dict[tuple[str, ContainerLimits, int], WarmPool] = {}
_POOLS_LOCK = threading.Lock()


def shared_pool(
    size: int = 2, image: str = IMAGE, limits: ContainerLimits | None = None
) -> WarmPool:
    """The process-wide pool for ``(size, image, limits)``, started on first use."""
    key = (image, limits or ContainerLimits(), size)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None or pool._closed:
            pool = _POOLS[key] = WarmPool(size=size, image=image, limits=key[1])
    return pool


def close_shared_pools() -> None:
    """Close every shared pool (their containers are removed)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        with contextlib.suppress(Exception):
            pool.close()
