import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.main
from rich.console import Console
from typer.testing import CliRunner

from protege import cli_output
from protege.cli import app
from protege.cli_output import TextTable
from protege.play import play_interactively
from tests.conftest import TEST_ENV_ID

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def test_envs_lists_registered_environments():
    result = runner.invoke(app, ["envs"])
    assert result.exit_code == 0, result.output
    assert "protege/Household-v1\thousehold\t" in result.stdout


def test_play_with_the_expert_wins():
    result = runner.invoke(app, ["play", TEST_ENV_ID, "--expert", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Episode ended: won" in result.output


def _play(lines: list[str], **kwargs) -> tuple[dict, str]:
    answers = iter(lines)
    buffer = io.StringIO()

    def read_line(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    info = play_interactively(
        TEST_ENV_ID,
        console=Console(file=buffer, width=100),
        read_line=read_line,
        **kwargs,
    )
    return info, buffer.getvalue()


def test_play_accepts_numbers_text_help_and_hint():
    # valid_seen task "small-1000": target 1 + 1000 % 5 = 1; the counter starts at 0..2.
    info, output = _play(["help", "hint", "actions", "9", "sub 1", "1"], split="valid_seen")
    assert "hint      show the expert's next action" in output
    assert "The expert would do:" in output
    assert "Pick a number from 1 to 3." in output
    assert info["steps"] >= 1


def test_play_sends_bang_words_to_the_game_and_quits_cleanly():
    info, output = _play(["!help", "quit"])
    assert "Nothing happens. Try one of: add 1, add 2, sub 1" in output
    assert "Bye." in output
    assert info["steps"] == 1


def test_end_of_input_quits():
    info, output = _play([])
    assert info["steps"] == 0 and "Bye." in output


def test_play_prints_bracketed_actions_and_observations_verbatim():
    # Shop speaks in `click[...]` and ` [SEP] `, which rich would read as markup.
    result = runner.invoke(app, ["play", "protege/Shop-v1", "--expert", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "> click[buy now]" in result.output
    assert "WebShop [SEP] Instruction:" in result.output


# ------------------------------------------------------------------ version, help and flags


def test_version_prints_the_installed_version():
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"protege {version('protege')}\n"


def every_command() -> list[tuple[tuple[str, ...], object]]:
    """(path, command) of the app and every group and command under it."""
    found = []

    def walk(command, path):
        found.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def option_names(command) -> list[str]:
    return [name for param in command.params for name in (*param.opts, *param.secondary_opts)]


@pytest.mark.parametrize("path", [path for path, _ in every_command()], ids=" ".join)
def test_help_shows_every_option_whole_at_80_columns_and_flags_without_a_value(path):
    command = dict(every_command())[path]
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert max(len(line) for line in text.splitlines()) <= 80
    for name in option_names(command):
        if name.startswith("--"):
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text), name
    assert "<bool>" not in text  # a flag takes no value
    assert "│" not in text and "\x1b[" not in text
    for param in command.params:
        if param.secondary_opts:  # a --x/--no-x pair says which one is the default
            section = text[text.index(param.opts[0]) :]
            assert "[default: " in section.split("\n  --")[0], param.opts


@pytest.mark.parametrize(
    ("args", "value_error"),
    [
        (["play", TEST_ENV_ID, "--expert", "yes"], "Got unexpected extra argument(s) (yes)"),
        (["bench", "--quick", "false", "--parts", "x"], "Got unexpected extra argument"),
    ],
)
def test_boolean_flags_take_no_value(args, value_error):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert value_error in result.stderr


def test_a_flag_switches_on_without_a_value():
    result = runner.invoke(app, ["--debug", "play", "protege/Nope-v0"])
    assert result.exit_code == 2
    assert "Traceback" in result.stderr


# ------------------------------------------------------------------ output in a pipe


def test_envs_in_a_pipe_keeps_each_environment_on_one_whole_line():
    # the real script, its stdout a pipe, as in `protege envs | grep protege/Household-v1`
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "protege.cli", "envs"],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )  # fmt: skip
    [line] = [line for line in result.stdout.splitlines() if "protege/Household-v1" in line]
    assert line.split("\t") == [
        "protege/Household-v1",
        "household",
        "pick_and_place, look_at_obj_in_light, pick_clean_then_place, pick_heat_then_place, "
        "pick_cool_then_place, pick_two_obj_and_place",
        "train, valid_seen, valid_unseen",
        "protege",
    ]
    assert result.stdout.splitlines()[0] == "id\tfamily\ttask types\tsplits\tprovided by"
    assert not set(result.stdout) & set("│┃━┏╇") and "\x1b[" not in result.stdout


def _table() -> TextTable:
    table = TextTable("t", ("id", "value"), right=frozenset({"value"}), styles={"ok": "green"})
    table.add_row("protege/Household-v1", "ok")
    return table


def test_a_table_is_rich_on_a_terminal_and_plain_when_the_terminal_is_too_narrow(monkeypatch):
    monkeypatch.setattr(cli_output, "is_terminal", lambda stream=None: True)
    monkeypatch.setenv("COLUMNS", "60")
    result = runner.invoke(typer_app_printing(_table()), [])
    assert "┃ id " in result.stdout and "protege/Household-v1 │" in result.stdout
    monkeypatch.setenv("COLUMNS", "12")  # the id would have to be cut: plain lines instead
    result = runner.invoke(typer_app_printing(_table()), [])
    assert result.stdout == "id\tvalue\nprotege/Household-v1\tok\n"


def typer_app_printing(table: TextTable) -> typer.Typer:
    small = typer.Typer()

    @small.command()
    def show() -> None:
        cli_output.print_table(table)

    return small


def test_progress_bars_stay_out_of_a_pipe():
    from protege.agents.rollout import _progress

    assert not sys.stderr.isatty()  # pytest captures it
    bar = _progress(3, True, "x")
    assert bar.disable
    bar.close()
    assert not cli_output.progress_enabled()


def test_play_in_a_pipe_prints_whole_lines_without_boxes():
    result = runner.invoke(app, ["play", "protege/Shop-v1", "--expert", "--seed", "2"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "protege/Shop-v1 · train · seed 2"
    assert not set(result.stdout) & set("╭╮╰╯│")
    first = next(line for line in lines if line.startswith("WebShop [SEP] Instruction:"))
    assert first.endswith("[SEP] Search")  # one line, however long
