"""Typed errors. Each message says what was received, what was expected and what to do next."""

from __future__ import annotations

import importlib
from types import ModuleType


class ProtegeError(Exception):
    """Base class of every error protege raises on purpose."""


class ProtegeWarning(UserWarning):
    """Base class of every warning protege gives on purpose; the CLI prints it as one line."""


class UnknownEnvError(ProtegeError, ValueError):
    """An environment id that is not registered."""


class UnknownSplitError(ProtegeError, ValueError):
    """A split name the environment does not have."""


class UnknownTaskTypeError(ProtegeError, ValueError):
    """A task type the environment does not have."""


class UnknownTaskError(ProtegeError, ValueError):
    """A task id that is not in the environment's split."""


class UnknownChoiceError(ProtegeError, ValueError):
    """An environment option given a value outside its fixed set of choices."""


class EnvAlreadyRegisteredError(ProtegeError):
    """An environment id that is already taken."""


class RecordError(ProtegeError, ValueError):
    """An episode file that cannot be read."""


class SchemaVersionError(RecordError):
    """An episode file written by a newer protege."""


class UsageError(ProtegeError, ValueError):
    """A command-line argument or option that cannot be used as given."""


class RequestError(ProtegeError, ValueError):
    """A request to a protege server (``protege serve``) that cannot be carried out as sent."""


class MissingDependencyError(ProtegeError, ImportError):
    """An optional dependency that is not installed; the message names what to install."""


def missing_dependency(
    package: str, extra: str | None = None, purpose: str = ""
) -> MissingDependencyError:
    """Build the one-line error for a missing optional dependency."""
    install = f"pip install 'protege[{extra}]'" if extra else f"pip install {package}"
    what = f" for {purpose}" if purpose else ""
    return MissingDependencyError(f"`{package}` is not installed{what}; run: {install}")


def import_optional(module: str, extra: str, purpose: str) -> ModuleType:
    """Import an optional dependency, or raise the one-line error that names its extra."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise missing_dependency(module, extra, purpose) from error
