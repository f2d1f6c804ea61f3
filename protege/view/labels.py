"""Short names for what produced a report's episodes: the agent and each source file.

Every run writes ``episodes.jsonl`` by default, so a file's name says little about what is in
it. A source is named by the agents recorded in its episodes (``Episode.policy``, plus the LoRA
adapter in ``Episode.metadata["adapter"]``); where that does not tell two sources apart, by the
shortest end of their paths that does (``opd/samples/update_000120.jsonl``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from protege.records import Episode

ADAPTER_METADATA_KEY = "adapter"
"""The ``Episode.metadata`` key holding the LoRA adapter folder the policy loaded, if any."""

_GENERIC_FOLDER_RE = re.compile(
    r"(final|adapter|model|best|latest|last|(checkpoint|update|step)s?([-_]?\d+)?)", re.IGNORECASE
)
"""Folder names a trainer gives every run's output (``final``, ``checkpoint-200``): not a name."""

_BACKENDS_WITH_PATHS = ("hf", "vllm")
"""Policy backends whose name is ``backend:/a/model/folder`` (``openai:`` names a served model)."""

MAX_AGENTS_IN_LABEL = 2
"""A source played by more agents is named by the first ones and a count of the rest."""


def short_path(path: str) -> str:
    """A model or adapter folder's display name: its last part, with its parent where the last
    part is one every run has (``runs/opd/final`` -> ``opd/final``)."""
    parts = PurePath(path.rstrip("/\\")).parts
    if not parts:
        return path
    if len(parts) > 1 and _GENERIC_FOLDER_RE.fullmatch(parts[-1]):
        return f"{parts[-2]}/{parts[-1]}"
    return parts[-1]


def agent_label(episode: Episode) -> str | None:
    """Who played: the policy name with a model folder shortened, plus its adapter; None when
    the episode does not say."""
    if not episode.policy:
        return None
    backend, separator, target = episode.policy.partition(":")
    label = episode.policy
    if separator and backend in _BACKENDS_WITH_PATHS:
        label = f"{backend}:{short_path(target)}"
    adapter = episode.metadata.get(ADAPTER_METADATA_KEY)
    if isinstance(adapter, str) and adapter:
        label += f" + {short_path(adapter)}"
    return label


def _agents_of(episodes: Sequence[Episode]) -> str | None:
    agents = list(dict.fromkeys(a for a in map(agent_label, episodes) if a is not None))
    if len(agents) > MAX_AGENTS_IN_LABEL:
        rest = len(agents) - MAX_AGENTS_IN_LABEL
        agents = [*agents[:MAX_AGENTS_IN_LABEL], f"{rest} more"]
    return " + ".join(agents) or None


def _distinguishing_ends(paths: Sequence[str]) -> list[str]:
    """Each path's shortest end (at least its file name) that no other path ends with."""
    parts = [PurePath(path).parts for path in paths]
    ends = []
    for index, own in enumerate(parts):
        others = [other for j, other in enumerate(parts) if j != index and other != own]
        length = 1
        while length < len(own) and any(other[-length:] == own[-length:] for other in others):
            length += 1
        ends.append("/".join(own[-length:]))
    return ends


def source_labels(paths: Sequence[str], episodes: Sequence[Sequence[Episode]]) -> list[str]:
    """One distinct label per source file: its agents, with the end of its path where other
    sources have the same agents (or it records none); ``episodes[i]`` are file ``i``'s."""
    if len(paths) != len(episodes):
        raise ValueError(f"got {len(paths)} paths for {len(episodes)} episode lists")
    agents = [_agents_of(read) for read in episodes]
    ends = _distinguishing_ends(paths)
    labels = []
    for agent, end in zip(agents, ends, strict=True):
        if agent is None:
            labels.append(end)
        elif agents.count(agent) > 1:
            labels.append(f"{agent} · {end}")
        else:
            labels.append(agent)
    # the same file given twice: number the repeats so that each stays a filter of its own
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[index] = f"{label} ({seen[label]})"
    return labels
