"""The `openenv` extra: a one-line install hint without it, and a container recipe whose
command is a valid `protege serve` invocation."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import typer
import yaml

import protege  # noqa: F401  registers the environments
from protege.cli import app
from protege.envs.registry import check_env_id

INTEGRATIONS = Path(__file__).resolve().parents[2] / "protege" / "integrations"
DOCKERFILE = (INTEGRATIONS / "Dockerfile.openenv").read_text(encoding="utf-8")

SERVE_WITHOUT_OPENENV = """
import sys
sys.modules["openenv"] = None  # as if the extra were not installed
from protege.cli import main
sys.argv = ["protege", "serve", "protege/Household-v1"]
main()
"""


def test_serve_without_the_extra_names_it_in_one_line():
    result = subprocess.run(
        [sys.executable, "-c", SERVE_WITHOUT_OPENENV],
        capture_output=True,
        text=True,
        env={**os.environ, "PROTEGE_DEBUG": ""},
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: `openenv` is not installed for `protege serve` and the OpenEnv client; "
        "run: pip install 'protege[openenv]'\n"
    )


def dockerfile_instruction(name: str) -> str:
    """The arguments of the Dockerfile's one ``name`` instruction, continuation lines joined."""
    text = DOCKERFILE.replace("\\\n", " ")
    (line,) = re.findall(rf"^{name} (.+)$", text, flags=re.MULTILINE)
    return line


def test_the_dockerfile_command_is_a_valid_protege_serve_invocation():
    assert "'protege[openenv]'" in dockerfile_instruction("RUN")
    default_env = dockerfile_instruction("ENV").removeprefix("PROTEGE_ENV=")
    check_env_id(default_env)
    words = shlex.split(dockerfile_instruction("CMD").replace("${PROTEGE_ENV}", default_env))
    assert words[:2] == ["protege", "serve"]
    serve = typer.main.get_command(app).commands["serve"]
    params = serve.make_context("serve", words[2:]).params  # parses, runs nothing
    assert params["env_id"] == default_env
    assert (params["host"], params["port"]) == ("0.0.0.0", 8000)


def test_the_openenv_manifest_declares_the_containers_port():
    manifest = yaml.safe_load((INTEGRATIONS / "openenv.yaml").read_text(encoding="utf-8"))
    assert manifest["port"] == 8000 and "EXPOSE 8000" in DOCKERFILE
    assert manifest["validation"]["reward"]["range"] == [0.0, 1.0]
