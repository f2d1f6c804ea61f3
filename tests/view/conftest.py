"""Fixtures for the viewer tests: a tokenizer folder, and headless Chromium when present."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REQUIRE_BROWSER = "PROTEGE_REQUIRE_BROWSER"


@pytest.fixture(scope="session")
def tokenizer_path() -> Path:
    """The tiny test model's folder (SmolLM2's tokenizer), or a skip where it cannot be made."""
    from protege.agents.models import prepare_tiny_model
    from protege.errors import MissingDependencyError

    try:
        return prepare_tiny_model()
    except MissingDependencyError as error:
        pytest.skip(f"no local tokenizer: {error}")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's ``chromium``: a skip where missing, a failure where PROTEGE_REQUIRE_BROWSER=1."""
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        message = "headless Chromium is not installed; run: apt-get install -y chromium"
        if os.environ.get(REQUIRE_BROWSER) == "1":
            pytest.fail(f"{REQUIRE_BROWSER}=1 but {message}")
        pytest.skip(message)
    return path
