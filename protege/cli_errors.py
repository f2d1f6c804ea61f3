"""One-line errors for every ``protege`` command.

A command signals a mistake the user can fix by raising :class:`protege.errors.ProtegeError`
(or a subclass, or Gymnasium's error for an unknown id); a bad option or argument is click's
usage error. :class:`OneLineErrorGroup`, the top-level group, prints either as
``error: <message>`` on stderr and exits with code 2. ``protege --debug`` or
``PROTEGE_DEBUG=1`` prints the traceback above that line. protege's own warnings
(:class:`protege.errors.ProtegeWarning`) print as one ``warning: <message>`` line.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
import typer.core
from typer.core import TyperGroup

from protege.errors import ProtegeError, ProtegeWarning

DEBUG_ENV = "PROTEGE_DEBUG"
USER_ERROR_EXIT_CODE = 2

# Typer 0.22+ parses arguments with its own copy of click (``typer._click``), older Typer
# with click itself: a bad option raises that copy's UsageError.
_CLICK: Any = getattr(typer.core, "_click", None) or importlib.import_module("click")
ClickUsageError: type[Exception] = _CLICK.exceptions.UsageError
_NO_ARGS_IS_HELP: Any = getattr(_CLICK.exceptions, "NoArgsIsHelpError", ())


def debug_enabled(ctx: typer.Context | None = None) -> bool:
    """Whether tracebacks were asked for: ``protege --debug`` (on ``ctx``) or the variable."""
    if ctx is not None and ctx.find_root().params.get("debug"):
        return True
    return os.environ.get(DEBUG_ENV, "") not in ("", "0", "false", "no")


def user_errors() -> tuple[type[BaseException], ...]:
    """The exception types that mean "the input was wrong", not "protege has a bug"."""
    from gymnasium.error import Error as GymError

    return (ProtegeError, GymError, ClickUsageError)


def one_line(text: object) -> str:
    """``text`` with every run of whitespace (newlines included) turned into one space."""
    return " ".join(str(text).split())


def error_message(error: BaseException) -> str:
    """The one-line message of a user error, with what to do where the error lacks it."""
    from gymnasium.error import UnregisteredEnv

    if isinstance(error, ClickUsageError):
        message = one_line(error.format_message())  # type: ignore[attr-defined]
        if error.ctx is not None:  # type: ignore[attr-defined]
            message = f"{message.rstrip('.')}; see `{error.ctx.command_path} --help`."
        return message
    message = one_line(error)
    if isinstance(error, UnregisteredEnv):  # Gymnasium names the id but not the way out
        message += " Run `protege envs` to list the environment ids."
    return message


def fail(message: object) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with the user-error code."""
    typer.echo(f"error: {one_line(message)}", err=True)
    raise SystemExit(USER_ERROR_EXIT_CODE)


@contextmanager
def one_line_warnings() -> Iterator[None]:
    """Print protege's warnings as one ``warning: ...`` line each, others as Python does."""
    previous = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        if issubclass(category, ProtegeWarning):
            typer.echo(f"warning: {one_line(message)}", err=True)
        else:
            previous(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = previous


@contextmanager
def one_line_errors(ctx: typer.Context | None) -> Iterator[None]:
    """Turn a user error raised inside into ``error: ...`` on stderr and exit code 2."""
    try:
        yield
    except user_errors() as error:
        if isinstance(error, _NO_ARGS_IS_HELP):
            raise  # a group called bare prints its help, as asked
        if debug_enabled(getattr(error, "ctx", None) or ctx):
            traceback.print_exc(file=sys.stderr)
        fail(error_message(error))


class OneLineErrorGroup(TyperGroup):
    """The top-level group: user errors from any subcommand become one line on stderr."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: typer.Context | None = None,
        **extra: Any,
    ) -> typer.Context:
        """Parse the top-level options; a bad one is a one-line error too."""
        with one_line_errors(parent):
            return super().make_context(info_name, args, parent, **extra)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:
        """List the commands with their whole first sentence, wrapped, never cut with "..."."""
        rows = [
            (name, command.get_short_help_str(limit=1_000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the subcommand; its user errors and bad arguments become one line."""
        with one_line_errors(ctx), one_line_warnings():
            return super().invoke(ctx)
