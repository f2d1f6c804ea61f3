"""``protege sandbox`` commands, the apt mirror lookup and backend selection."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from protege.sandbox import SandboxError, resolve_backend
from protege.sandbox.cli import sandbox_app
from protege.sandbox.image import apt_mirror
from tests.sandbox.conftest import require_docker


def test_doctor_reports_every_backend() -> None:
    result = CliRunner().invoke(sandbox_app, ["doctor"])
    lines = result.output.splitlines()
    assert any(" docker " in line for line in lines) and any(" local " in line for line in lines)
    assert result.exit_code in (0, 1)


@pytest.mark.docker
def test_offline_build_keeps_an_existing_image() -> None:
    require_docker()
    result = CliRunner().invoke(sandbox_app, ["build", "--offline"])
    assert result.exit_code == 0, result.output
    assert "already exists" in result.output


def test_apt_mirror_reads_deb822_and_one_line_sources(tmp_path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\n# a comment\nURIs: http://mirror.invalid/debian\n"
        "Suites: bookworm bookworm-updates\nComponents: main\n\n"
        "Types: deb\nURIs: http://mirror.invalid/security\nSuites: bookworm-security\n"
    )
    assert apt_mirror(root=tmp_path) == "http://mirror.invalid/debian"
    (tmp_path / "sources.list.d" / "debian.sources").unlink()
    (tmp_path / "sources.list").write_text(
        "deb [arch=amd64] http://other.invalid/debian bookworm main\n"
    )
    assert apt_mirror(root=tmp_path) == "http://other.invalid/debian"
    (tmp_path / "sources.list").write_text("")
    with pytest.raises(SandboxError, match="no apt source for Debian 'bookworm'"):
        apt_mirror(root=tmp_path)


def test_unknown_backend_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown sandbox backend 'podman'"):
        resolve_backend("podman")
