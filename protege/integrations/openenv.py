"""Any protege environment behind an OpenEnv server, and the client that speaks to it.

OpenEnv (``pip install 'protege[openenv]'``) serves an ``Environment[Action, Observation,
State]`` over a WebSocket per session (``/ws``) beside ``/health``, ``/schema`` and
``/metadata``. :class:`ProtegeEnvironment` wraps one ``gymnasium.make(env_id)`` per session:
``reset(seed, episode_id, options)`` and ``step(ProtegeAction(text=...))`` return a
:class:`ProtegeObservation` whose typed fields are the observation text, ``reward``, ``done``,
``terminated``, ``truncated`` and protege's ``info`` contract (:data:`protege.envs.INFO_KEYS`);
a family's extra ``info`` entries (Household's ``room``) ride in ``metadata``.

Serve with ``protege serve ENV_ID`` (:func:`serve`); play with :class:`ProtegeEnvClient`::

    with ProtegeEnvClient(base_url="http://127.0.0.1:8000").sync() as client:
        result = client.reset(seed=0)
        result = client.step(ProtegeAction(text=result.observation.admissible_actions[0]))
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import gymnasium as gym
import typer

from protege.envs.core import INFO_KEYS, MAX_ACTION_CHARS
from protege.envs.registry import check_env_id, env_class
from protege.errors import RequestError, UsageError, import_optional

import_optional("openenv", "openenv", "`protege serve` and the OpenEnv client")

from fastapi import FastAPI  # noqa: E402  openenv depends on fastapi and uvicorn
from openenv.core.client_types import StepResult  # noqa: E402
from openenv.core.env_client import EnvClient  # noqa: E402
from openenv.core.env_server import (  # noqa: E402
    Action,
    Environment,
    Observation,
    State,
    create_fastapi_app,
)
from openenv.core.env_server.types import EnvironmentMetadata  # noqa: E402
from pydantic import Field  # noqa: E402

DEFAULT_MAX_SESSIONS = 16


class ProtegeAction(Action):
    """One action of a protege environment: the text the agent typed."""

    # The action space's limit; a longer message is a validation error, not a step.
    text: str = Field(max_length=MAX_ACTION_CHARS, description="The action, e.g. 'go north'.")


class ProtegeObservation(Observation):
    """What a protege environment returns from ``reset`` and ``step``.

    ``done``, ``reward`` and ``metadata`` come from OpenEnv's ``Observation``: ``done`` is
    ``terminated or truncated``, ``reward`` is ``None`` after a reset, and ``metadata`` holds the
    family's ``info`` entries beyond the contract keys.
    """

    text: str = Field(description="The observation text.")
    task_id: str = Field(description="The task being played.")
    task_type: str = Field(description="The task's type, one of the family's task types.")
    goal: str = Field(description="The task's instruction.")
    admissible_actions: list[str] = Field(description="Actions that make sense now.")
    won: bool = Field(description="Whether the goal holds now.")
    score: float = Field(description="Task progress in [0, 1].")
    terminated: bool = Field(default=False, description="The episode ended by itself.")
    truncated: bool = Field(default=False, description="The episode ran out of steps.")

    @property
    def info(self) -> dict[str, Any]:
        """The ``info`` dict an in-process ``env.step`` would return."""
        return {**{key: getattr(self, key) for key in INFO_KEYS}, **self.metadata}


class ProtegeState(State):
    """The session's episode: OpenEnv's ``episode_id`` and ``step_count``, and which env."""

    env_id: str = Field(description="The served environment id.")
    split: str = Field(description="The split tasks are drawn from.")
    task_id: str | None = Field(default=None, description="The task; None before a reset.")


class ProtegeEnvironment(Environment[ProtegeAction, ProtegeObservation, ProtegeState]):
    """One session's protege environment, made with ``gymnasium.make`` like in-process ones."""

    # Each session builds its own environment; families share only read-only task data.
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(
        self,
        env_id: str,
        split: str = "train",
        task_type: str | None = None,
        max_steps: int | None = None,
    ) -> None:
        super().__init__()
        self.env_id = env_id
        self.split = split
        given = {"task_type": task_type, "max_steps": max_steps}
        options = {key: value for key, value in given.items() if value is not None}
        self.env = gym.make(env_id, split=split, **options)
        self.episode_id: str | None = None

    def reset(
        self,
        seed: int | None = None,
        episode_id: str | None = None,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> ProtegeObservation:
        """Start an episode as ``env.reset(seed=seed, options=options)`` would."""
        if kwargs:
            # OpenEnv passes every key of the reset message: a typo must not be ignored.
            raise RequestError(
                f"reset got unknown parameters {sorted(kwargs)}; expected seed, episode_id "
                "and options (e.g. options={'task_id': ...})"
            )
        text, info = self.env.reset(seed=seed, options=options)
        self.episode_id = episode_id or str(uuid.uuid4())
        return observation_from(text, info, reward=None, terminated=False, truncated=False)

    def step(
        self, action: ProtegeAction, timeout_s: float | None = None, **kwargs: Any
    ) -> ProtegeObservation:
        """Apply ``action.text``; an action the env cannot use returns its hint, as in-process."""
        text, reward, terminated, truncated, info = self.env.step(action.text)
        return observation_from(
            text, info, reward=float(reward), terminated=terminated, truncated=truncated
        )

    @property
    def state(self) -> ProtegeState:
        """The episode id, the steps taken in it and the task."""
        unwrapped = self.env.unwrapped
        return ProtegeState(
            episode_id=self.episode_id,
            step_count=getattr(unwrapped, "elapsed_steps", 0),
            env_id=self.env_id,
            split=self.split,
            task_id=getattr(unwrapped, "task_id", None),
        )

    def get_metadata(self) -> EnvironmentMetadata:
        """The id, family and split, for ``/metadata``."""
        from protege import __version__

        family = getattr(self.env.unwrapped, "family", "") or type(self.env.unwrapped).__name__
        return EnvironmentMetadata(
            name=self.env_id,
            description=f"protege environment {self.env_id} ({family}), split {self.split}",
            version=__version__,
        )

    def close(self) -> None:
        """Close the environment (a Code sandbox, a simulator process)."""
        self.env.close()


def observation_from(
    text: str, info: dict[str, Any], *, reward: float | None, terminated: bool, truncated: bool
) -> ProtegeObservation:
    """A :class:`ProtegeObservation` from the parts of a Gymnasium ``reset`` or ``step``."""
    extra = {key: value for key, value in info.items() if key not in INFO_KEYS}
    return ProtegeObservation(
        text=text,
        reward=reward,
        done=bool(terminated or truncated),
        terminated=bool(terminated),
        truncated=bool(truncated),
        metadata=_json_safe(extra),
        **{key: info[key] for key in INFO_KEYS},
    )


def _json_safe(values: dict[str, Any]) -> dict[str, Any]:
    # A family may put numpy scalars in info; they must survive the trip through JSON.
    return json.loads(json.dumps(values, default=_builtin))


def _builtin(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else str(value)


def server_app(
    env_id: str,
    *,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    split: str = "train",
    task_type: str | None = None,
    max_steps: int | None = None,
) -> FastAPI:
    """The OpenEnv app serving ``env_id``: one environment per WebSocket, ``max_sessions`` at most.

    The id, split and task type are checked here, by making and closing one environment, so a
    mistake fails before the server starts.
    """
    import protege  # noqa: F401  registers built-ins and loads plugins

    check_env_id(env_id)
    env_class(env_id)  # a plugin whose class cannot import fails here, not per session
    factory = functools.partial(
        ProtegeEnvironment, env_id, split=split, task_type=task_type, max_steps=max_steps
    )
    factory().close()
    # Production mode: sessions live on /ws only. Simulation mode would add stateless HTTP
    # /reset and /step that make a fresh environment per request, so /step could never follow
    # a /reset.
    return create_fastapi_app(
        factory,
        ProtegeAction,
        ProtegeObservation,
        max_concurrent_envs=max_sessions,
        env_name=env_id.replace("/", "-"),
        state_cls=ProtegeState,
        mode="production",
    )


def serve(
    env_id: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    split: str = "train",
    task_type: str | None = None,
    max_steps: int | None = None,
) -> None:
    """Serve ``env_id`` with OpenEnv's protocol on ``host:port`` until interrupted."""
    import uvicorn

    app = server_app(
        env_id, max_sessions=max_sessions, split=split, task_type=task_type, max_steps=max_steps
    )
    _check_port_free(host, port)
    typer.echo(
        f"serving {env_id} (split {split}) on ws://{host}:{port}/ws, at most {max_sessions} "
        "sessions; Ctrl-C stops",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_port_free(host: str, port: int) -> None:
    # uvicorn would log its own multi-line error and exit 3; say it in one line instead.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host, port), family=family):
            pass
    except OSError as error:
        # create_server appends the address to the reason, which the message already names.
        reason = str(error.strerror).split(" (while attempting")[0]
        raise UsageError(
            f"cannot listen on {host}:{port} ({reason}); pick another --host or --port, or stop "
            "what listens there"
        ) from None


@contextlib.contextmanager
def served(
    env_id: str, *options: str, python_path: str = "", timeout_s: float = 60.0
) -> Iterator[str]:
    """Run ``protege serve env_id *options`` on a free local port in a subprocess; yield its
    base URL once ``/health`` answers, and stop the server on exit.

    ``python_path`` is put before ``PYTHONPATH`` (a folder holding a plugin, say).
    """
    with socket.socket() as probe:  # the OS picks a free port; the server binds it next
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    paths = [python_path, os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}
    command = [sys.executable, "-m", "protege.cli", "serve", env_id, "--port", str(port)]
    server = subprocess.Popen([*command, *options], env=env, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while not _healthy(url):
            if server.poll() is not None:
                raise RuntimeError(f"`protege serve` exited: {server.stderr.read().strip()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"`protege serve` did not answer {url}/health in {timeout_s} s")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
            return json.load(response).get("status") == "healthy"
    except OSError:
        return False


class ProtegeEnvClient(EnvClient[ProtegeAction, ProtegeObservation, ProtegeState]):
    """OpenEnv client of a ``protege serve`` server; ``step`` takes a ProtegeAction or a str.

    Async by default (``await client.reset(seed=0)``); ``.sync()`` gives the blocking form.
    A server error (at capacity, a bad request) raises ``RuntimeError`` naming its code.
    """

    def _step_payload(self, action: ProtegeAction | str) -> dict[str, Any]:
        if isinstance(action, str):
            action = ProtegeAction(text=action)
        return action.model_dump()

    def _parse_result(self, payload: dict[str, Any]) -> StepResult[ProtegeObservation]:
        observation = ProtegeObservation.model_validate(
            {**payload["observation"], "reward": payload.get("reward"), "done": payload["done"]}
        )
        return StepResult(
            observation=observation,
            reward=observation.reward,
            done=observation.done,
            metadata=observation.metadata,
        )

    def _parse_state(self, payload: dict[str, Any]) -> ProtegeState:
        return ProtegeState.model_validate(payload)
