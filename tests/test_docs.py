"""The docs agree with the code where the agreement is mechanical: commands, options, method
names, the quickstart's numbers, temperature defaults and the plugin attributes."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, ClassVar, get_origin

import pytest
import typer
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples" / "configs"


def section(text: str, heading: str) -> str:
    """The body of the ``## heading`` section of a Markdown text."""
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def is_placeholder(word: str) -> bool:
    """``CONFIG.yaml``, ``EPISODES.jsonl``, ``[--resume]``, ``...``: not a command name."""
    return word.startswith(("[", "-", ".")) or any(c.isupper() or c == "." for c in word)


def command_table_spans() -> list[str]:
    """Every backticked ``protege ...`` in the first column of README's command table."""
    rows = [
        line for line in section(README, "The command line").splitlines() if line.startswith("| `")
    ]
    return [span for row in rows for span in re.findall(r"`(protege [^`]*)`", row.split(" | ")[0])]


def resolve(words: list[str]) -> Any:
    """Walk the ``protege`` command tree down ``words`` (a leaf's further words are arguments).

    Groups are told by their ``commands`` (typer vendors its own click, so no isinstance)."""
    from protege.cli import app

    command = typer.main.get_command(app)
    for word in words:
        if not hasattr(command, "commands"):
            break
        assert word in command.commands, f"`protege {' '.join(words)}`: no command {word!r}"
        command = command.commands[word]
    return command


def options_of(command: Any) -> set[str]:
    """The option names a command accepts; a group that runs ``run`` by default adds its."""
    commands = [command]
    if "run" in getattr(command, "commands", {}):
        commands.append(command.commands["run"])  # `protege distill CONFIG.yaml` is `run`
    return {name for c in commands for p in c.params for name in p.opts}


def test_every_command_in_the_readme_table_exists_with_its_options():
    spans = command_table_spans()
    assert len(spans) >= 10
    for span in spans:
        words = span.split()[1:]
        names = [w for w in words if not is_placeholder(w)]
        command = resolve(names)
        for option in re.findall(r"--[a-z][a-z-]*", span):
            assert option in options_of(command), f"`{span}`: {option} is not an option"


def test_the_readme_table_names_every_top_level_command():
    from protege.cli import app

    named = {span.split()[1] for span in command_table_spans()}
    assert named == set(typer.main.get_command(app).commands)


def test_method_names_in_configs_and_docs_are_registered_and_each_has_a_page():
    from protege.distill.methods import METHODS

    in_configs = {
        path.stem: yaml.safe_load(path.read_text())["method"]["name"]
        for path in EXAMPLES.glob("*.yaml")
    }
    assert set(in_configs.values()) <= set(METHODS), in_configs
    documented = set()
    for page in (DOCS / "methods").glob("*.md"):
        documented |= set(re.findall(r"`method\.name: (\w+)`", page.read_text()))
    assert documented == set(METHODS)


def test_readme_describes_the_quickstarts_distillation_recipe():
    from protege.quickstart.recipes import distill_config

    config = distill_config("model", "adapter", "teacher", "out")
    match = re.search(
        r"runs (\d+) on-policy distillation updates in\s+which the student plays (\d+) "
        r"episodes at temperature ([\d.]+)",
        README,
    )
    assert match, "README no longer describes the quickstart's updates and temperature"
    updates, episodes, temperature = match.groups()
    assert int(updates) == config["updates"]
    assert int(episodes) == config["rollout"]["tasks_per_update"]
    assert float(temperature) == config["rollout"]["temperature"]


def test_temperature_defaults_in_the_docs_are_the_configs():
    from protege.distill.config import DistillConfig

    defaults = DistillConfig()
    distill_md = (DOCS / "distill.md").read_text()
    opd_md = (DOCS / "methods" / "opd.md").read_text()
    for text in (distill_md, opd_md):
        rollout = re.search(
            r"`rollout\.temperature`.{0,80}?defaults?(?: to)?\s+(\d\.\d)", text, re.S
        )
        assert rollout and float(rollout.group(1)) == defaults.rollout.temperature
    evaluation = re.search(r"`eval\.temperature` \(default (\d+)", distill_md)
    assert evaluation and float(evaluation.group(1)) == defaults.eval.temperature
    assert re.search(r"`eval\.temperature: (\d+)`", opd_md).group(1) == "0"
    opd_yaml = yaml.safe_load((EXAMPLES / "opd.yaml").read_text())  # it lists every default
    assert opd_yaml["rollout"]["temperature"] == defaults.rollout.temperature
    assert opd_yaml["eval"]["temperature"] == defaults.eval.temperature


def plugin_attributes() -> set[str]:
    """What a plugin author must know of ``TextEnv``: the hooks to implement, the class
    attributes to set, and every base-class attribute the example plugin reads."""
    from protege.envs.core import TextEnv

    needed = set(TextEnv.__abstractmethods__)
    needed |= {
        name
        for name, hint in inspect.get_annotations(TextEnv, eval_str=True).items()
        if get_origin(hint) is ClassVar and name != "metadata"
    }
    needed.add("env_id")  # read by the registry from a class named by an entry point
    example = ROOT / "examples" / "protege-plugin-example" / "src" / "protege_plugin_example"
    base = TextEnv.__init__.__code__.co_names + tuple(dir(TextEnv))
    for source in example.glob("*.py"):
        needed |= {name for name in re.findall(r"self\.(\w+)", source.read_text()) if name in base}
    return needed


@pytest.mark.parametrize("name", sorted(plugin_attributes()))
def test_plugins_doc_names_every_attribute_the_framework_relies_on(name):
    text = (DOCS / "plugins.md").read_text()
    assert re.search(rf"`(self\.)?{name}[`(]", text), f"docs/plugins.md does not name `{name}`"


def test_user_docs_carry_no_internal_session_wording():
    pattern = re.compile(r"\bsession\b|\bthis turn\b|issue #\d|\bthe issue\b", re.IGNORECASE)
    for path in [ROOT / "README.md", *DOCS.glob("*.md"), *DOCS.glob("methods/*.md")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert not pattern.search(line), f"{path.relative_to(ROOT)}:{number}: {line}"
