import io

from rich.console import Console
from typer.testing import CliRunner

from protege.cli import app
from protege.play import play_interactively
from tests.conftest import TEST_ENV_ID

runner = CliRunner()


def test_envs_lists_registered_environments():
    result = runner.invoke(app, ["envs"])
    assert result.exit_code == 0, result.output
    assert "protege/Household-v0\thousehold\t" in result.stdout


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
    result = runner.invoke(app, ["play", "protege/Shop-v0", "--expert", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "> click[buy now]" in result.output
    assert "WebShop [SEP] Instruction:" in result.output
