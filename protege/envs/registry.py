"""One place where environment ids are registered with Gymnasium, built-in or from plugins.

Built-in families are listed in :data:`BUILTIN_ENVS` and register lazily (by entry-point
string) when ``protege`` is imported. Third-party packages add environments through the
entry-point group ``protege.envs``: the value names either a callable that registers ids
(with :func:`register_env`) or a :class:`~protege.envs.core.TextEnv` subclass, whose id is its
``env_id`` attribute or else the entry point's name. A plugin that fails to load is reported
by name in :data:`PLUGIN_ERRORS` and does not stop the others.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import warnings
from dataclasses import dataclass
from typing import Any

import gymnasium as gym

from protege.envs.core import TextEnv
from protege.errors import EnvAlreadyRegisteredError, UnknownEnvError

ENTRY_POINT_GROUP = "protege.envs"

BUILTIN_ENVS: dict[str, str] = {
    # id: "module:Class"; one line per family.
    # Shop and Household are -v1 since they follow WebShop's reward and ALFWorld's engine
    # string for string (benchmarks/fidelity); Science is -v1 since it has ScienceWorld's 30
    # task types and scores; TextWorld and ScienceWorld are -v1 since their rewards moved to
    # one [0, 1] scale (protege.envs.reward). Gymnasium points -v0 users to -v1.
    "protege/Shop-v1": "protege.envs.shop:ShopEnv",
    "protege/Household-v1": "protege.envs.household:HouseholdEnv",
    "protege/Science-v1": "protege.envs.science:ScienceEnv",
    "protege/Code-v0": "protege.envs.code:CodeEnv",
    "protege/TextWorld-v1": "protege.envs.textworld:TextWorldEnv",
    "protege/ScienceWorld-v1": "protege.envs.scienceworld:ScienceWorldEnv",
    "protege/ALFWorld-v0": "protege.envs.alfworld:ALFWorldEnv",
}

PROVIDERS: dict[str, str] = {}
"""Environment id -> the distribution that provides it."""

PLUGIN_ERRORS: dict[str, str] = {}
"""Entry-point name -> why that plugin failed to load."""


@dataclass(frozen=True)
class EnvListing:
    """What ``protege envs`` shows for one environment id."""

    env_id: str
    family: str
    task_types: tuple[str, ...]
    splits: tuple[str, ...]
    provider: str


def register_env(
    env_id: str, entry_point: str | type[TextEnv], provider: str = "protege", **kwargs: Any
) -> None:
    """Register ``env_id`` with Gymnasium; an id that is already taken raises."""
    if env_id in gym.registry:
        owner = PROVIDERS.get(env_id, "another package")
        raise EnvAlreadyRegisteredError(
            f"environment id {env_id!r} is already registered by {owner}; bump its version "
            f"(e.g. '-v1') or pick another name"
        )
    gym.register(id=env_id, entry_point=entry_point, kwargs=kwargs)
    PROVIDERS[env_id] = provider


def register_builtin_envs() -> None:
    """Register every built-in family that is not registered yet."""
    for env_id, entry_point in BUILTIN_ENVS.items():
        if env_id not in gym.registry:
            register_env(env_id, entry_point)


def load_plugins() -> dict[str, str]:
    """Load every ``protege.envs`` entry point once; return the errors by entry-point name."""
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        key = f"{entry_point.name} ({entry_point.value})"
        if key in _LOADED_PLUGINS:
            continue
        _LOADED_PLUGINS.add(key)
        provider = entry_point.dist.name if entry_point.dist else entry_point.value
        try:
            _load_plugin(entry_point, provider)
        except Exception as error:  # a broken plugin must not break the others
            message = f"{type(error).__name__}: {error}"
            PLUGIN_ERRORS[entry_point.name] = message
            warnings.warn(
                f"protege plugin {entry_point.name!r} from {provider} failed to load: {message}",
                stacklevel=2,
            )
    return dict(PLUGIN_ERRORS)


_LOADED_PLUGINS: set[str] = set()


def _load_plugin(entry_point: importlib.metadata.EntryPoint, provider: str) -> None:
    target = entry_point.load()
    if isinstance(target, type) and issubclass(target, TextEnv):
        env_id = getattr(target, "env_id", None) or entry_point.name
        register_env(env_id, target, provider=provider)
        return
    if not callable(target):
        raise TypeError(f"{entry_point.value} is neither a TextEnv subclass nor a callable")
    before = set(gym.registry)
    target()
    for env_id in set(gym.registry) - before:
        PROVIDERS.setdefault(env_id, provider)


def protege_env_ids() -> list[str]:
    """Every id registered through protege (built-in and plugins), sorted."""
    return sorted(env_id for env_id in PROVIDERS if env_id in gym.registry)


def check_env_id(env_id: str) -> None:
    """Raise :class:`UnknownEnvError`, naming the closest registered id, for an id that
    ``gymnasium.make`` would not find."""
    try:
        gym.spec(env_id)
    except gym.error.Error:
        close = difflib.get_close_matches(env_id, list(gym.registry), n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnknownEnvError(
            f"unknown environment id {env_id!r}.{hint} Run `protege envs` to list the ids."
        ) from None


def env_class(env_id: str) -> type[TextEnv]:
    """The class behind a registered id, imported if needed."""
    entry_point = gym.registry[env_id].entry_point
    if isinstance(entry_point, str):
        module_name, _, attribute = entry_point.partition(":")
        entry_point = getattr(importlib.import_module(module_name), attribute)
    return entry_point  # type: ignore[return-value]


def check_env_options(env_id: str, split: str, task_type: str | None = None) -> None:
    """Refuse an unknown id, or a split or task type its family lacks, without building it."""
    check_env_id(env_id)
    cls = env_class(env_id)
    if isinstance(cls, type) and issubclass(cls, TextEnv):  # third-party envs check their own
        cls.check_options(split, task_type)


def list_envs() -> list[EnvListing]:
    """A listing of every protege environment; ids whose class fails to import are skipped."""
    listings = []
    for env_id in protege_env_ids():
        try:
            cls = env_class(env_id)
        except Exception as error:  # report and go on, as for plugins
            PLUGIN_ERRORS.setdefault(env_id, f"{type(error).__name__}: {error}")
            continue
        listings.append(
            EnvListing(
                env_id=env_id,
                family=getattr(cls, "family", "") or cls.__name__,
                task_types=tuple(getattr(cls, "task_types", ())),
                splits=tuple(getattr(cls, "splits", ())),
                provider=PROVIDERS.get(env_id, "?"),
            )
        )
    return listings
