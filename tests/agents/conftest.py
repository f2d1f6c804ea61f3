"""Fixtures for agent tests: the tiny random Llama with SmolLM2's tokenizer, loaded once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tokenizer(tiny_model_path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_path)
