"""Token text for the report: each action token id decoded once, in Python, with its tokenizer.

The tokenizer of an episode is ``--tokenizer PATH`` when given, else the local model folder the
policy recorded in ``Episode.metadata["model"]`` (what :class:`protege.agents.policies.hf.HFPolicy`
writes). transformers is imported only when a tokenizer is actually loaded; a path that is
missing or fails to load leaves that episode's tokens shown as ids, with one warning.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from protege.errors import ProtegeWarning
from protege.records import Episode

MODEL_METADATA_KEY = "model"
"""The ``Episode.metadata`` key holding the local model folder the policy loaded."""


class TokenizerLoadWarning(ProtegeWarning):
    """A tokenizer could not be loaded; the report shows token ids instead of text."""


def tokenizer_path_of(episode: Episode, override: str | os.PathLike[str] | None) -> str | None:
    """The tokenizer folder for an episode: ``override``, else its metadata's model, else None."""
    if override is not None:
        return str(override)
    model = episode.metadata.get(MODEL_METADATA_KEY)
    return str(model) if isinstance(model, str) and model else None


def load_tokenizer(path: str) -> Any | None:
    """``AutoTokenizer.from_pretrained(path)`` from a local folder, or None with a warning."""
    if not Path(path).expanduser().is_dir():
        warnings.warn(
            f"tokenizer folder {path!r} does not exist; showing token ids instead of text "
            "(pass --tokenizer PATH to a local model folder)",
            TokenizerLoadWarning,
            stacklevel=2,
        )
        return None
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(Path(path).expanduser()), local_files_only=True)
    except Exception as error:  # any load failure degrades to ids, never aborts the report
        warnings.warn(
            f"could not load a tokenizer from {path!r} ({type(error).__name__}: {error}); "
            "showing token ids instead of text",
            TokenizerLoadWarning,
            stacklevel=2,
        )
        return None


def decode_vocabularies(
    episodes: Sequence[Episode], tokenizer: str | os.PathLike[str] | None = None
) -> tuple[dict[str, dict[str, str]], list[str | None]]:
    """Decode every action token id that occurs, once per tokenizer.

    Returns ``(vocabularies, keys)``: ``vocabularies[key][str(token_id)]`` is the token's text
    (``tokenizer.decode([id])``), and ``keys[i]`` is episode ``i``'s vocabulary key, or None where
    its tokens stay ids (no tokenizer known or loadable, or no action tokens).
    """
    wanted: dict[str, set[int]] = {}
    keys: list[str | None] = []
    for episode in episodes:
        ids = {t for step in episode.steps for t in (step.action_token_ids or [])}
        path = tokenizer_path_of(episode, tokenizer) if ids else None
        keys.append(path)
        if path is not None:
            wanted.setdefault(path, set()).update(ids)
    vocabularies: dict[str, dict[str, str]] = {}
    for path, ids in wanted.items():
        loaded = load_tokenizer(path)
        if loaded is None:
            continue
        ordered = sorted(ids)
        texts = loaded.batch_decode([[t] for t in ordered], skip_special_tokens=False)
        vocabularies[path] = {str(t): text for t, text in zip(ordered, texts, strict=True)}
    keys = [key if key in vocabularies else None for key in keys]
    return vocabularies, keys
