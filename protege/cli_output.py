"""Output that reads well in a terminal and survives a pipe.

On a terminal a table is a rich table; in a pipe, a file or a test runner (or a terminal too
narrow to show every word whole) it is tab-separated lines under a header line, never wrapped
and without colour, so ``protege envs | grep protege/Household-v1`` finds the whole row.
Text goes through :func:`typer.echo`, never through rich markup, so
``pip install 'protege[ray]'`` prints as written. Progress bars draw on stderr, and only when
stderr is a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (stdout by default) is an interactive terminal."""
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def progress_enabled() -> bool:
    """Whether to draw progress bars: only when stderr, where they draw, is a terminal."""
    return is_terminal(sys.stderr)


@dataclass
class TextTable:
    """A table of plain strings, printed by :func:`print_table` for a terminal or a pipe."""

    title: str
    """Shown above the table on a terminal; not in plain output."""
    columns: Sequence[str]
    """The header, one name per column."""
    rows: list[Sequence[str]] = field(default_factory=list)
    """The cells, one sequence per row, as many as ``columns``."""
    right: frozenset[str] = frozenset()
    """Columns aligned right on a terminal (numbers)."""
    styles: Mapping[str, str] = field(default_factory=dict)
    """Rich style of a cell by its whole text on a terminal, e.g. ``{"pass": "green"}``."""

    def add_row(self, *cells: str) -> None:
        """Append one row."""
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(cells)

    def plain_lines(self) -> list[str]:
        """The header and rows as tab-separated lines (tabs and newlines in cells as spaces)."""
        return [
            "\t".join(" ".join(cell.split()) for cell in row) for row in [self.columns, *self.rows]
        ]

    def column_widths(self, width: int) -> list[int] | None:
        """Column widths of a rich table ``width`` characters wide in which no word is cut
        (longer cells wrap between words), or None where no such widths exist."""
        cells = list(zip(self.columns, *self.rows, strict=True))  # one tuple per column
        natural = [max(len(cell) for cell in column) for column in cells]
        minimum = [
            max(len(word) for cell in column for word in cell.split() or [""]) for column in cells
        ]
        spare = width - (3 * len(self.columns) + 1) - sum(minimum)  # borders and padding
        if spare < 0:
            return None
        widths = []
        for least, most in zip(minimum, natural, strict=True):
            grant = min(spare, most - least)  # the leftmost columns (ids) wrap last
            widths.append(least + grant)
            spare -= grant
        return widths

    def rich(self, widths: Sequence[int]) -> Table:
        """The table for a terminal, with these column widths; cells are verbatim text."""
        table = Table(title=self.title)
        for column, width in zip(self.columns, widths, strict=True):
            table.add_column(
                column, justify="right" if column in self.right else "left", width=width
            )
        for row in self.rows:
            table.add_row(*(Text(cell, style=self.styles.get(cell, "")) for cell in row))
        return table


def print_table(table: TextTable) -> None:
    """Print ``table`` as a rich table on a terminal wide enough to cut no word, else as
    tab-separated lines."""
    if is_terminal():
        console = Console()
        widths = table.column_widths(console.width)
        if widths is not None:
            console.print(table.rich(widths))
            return
    for line in table.plain_lines():
        typer.echo(line)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout, and nothing else."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def say(markup: str) -> None:
    """Print a status line that may hold rich markup: styled on a terminal, plain otherwise.

    Text interpolated into ``markup`` must be escaped (:func:`rich.markup.escape`).
    """
    if is_terminal():
        Console(highlight=False, soft_wrap=True).print(markup)
    else:
        typer.echo(Text.from_markup(markup).plain)
