"""One-line errors for every ``protege`` command.

A command signals a mistake the user can fix by raising :class:`protege.errors.ProtegeError`
(or a subclass, or Gymnasium's error for an unknown id). :class:`OneLineErrorGroup`, the
top-level group, prints it as ``error: <message>`` on stderr and exits with code 2; the
traceback shows only with ``protege --debug`` or ``PROTEGE_DEBUG=1``.
"""

from __future__ import annotations

import os
from typing import Any

import click
from typer.core import TyperGroup

from protege.errors import ProtegeError

DEBUG_ENV = "PROTEGE_DEBUG"
USER_ERROR_EXIT_CODE = 2


def debug_enabled() -> bool:
    """Whether tracebacks were asked for (``--debug`` sets the variable too)."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0", "false", "no")


def user_errors() -> tuple[type[BaseException], ...]:
    """The exception types that mean "the input was wrong", not "protege has a bug"."""
    from gymnasium.error import Error as GymError

    return (ProtegeError, GymError)


def fail(message: object) -> Any:
    """Print ``error: message`` as one line on stderr and exit with the user-error code."""
    text = " ".join(str(message).split())  # one line, whatever the message held
    click.echo(f"error: {text}", err=True)
    raise SystemExit(USER_ERROR_EXIT_CODE)


class OneLineErrorGroup(TyperGroup):
    """The top-level group: user errors from any subcommand become one line on stderr."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except user_errors() as error:
            if debug_enabled():
                raise
            fail(error)
