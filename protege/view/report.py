"""Build the viewer's report: episodes as compact JSON, embedded in one self-contained HTML file.

The page is static (no server, no network, no external URL): :func:`render_html` inlines the
stylesheet, the script and the data. The data sits in ``<script type="application/json">``
elements with every ``<``, ``>`` and ``&`` written as a JSON ``\\u`` escape, so no text of an
episode (observations are untrusted) can close the element or open markup. One element holds
the episode list, parsed on load and rendered a page at a time; each episode's steps have
their own element, parsed only when the episode is opened.

Layout of the data (short keys keep a 2,000-episode file small): ``strings`` interns the
admissible actions, which repeat across steps; ``vocabularies[key][id]`` is a token's text;
each step carries its token ids, the student's and the teacher's log-probabilities (rounded to
:data:`DIGITS` decimals), and, when scored, ``d`` (step divergence), ``w`` (SOD weight) and
``kl`` (the turn's reverse KL) from :mod:`protege.view.signals`. Each episode is labelled by
its source file and agent (:mod:`protege.view.labels`); ``teachers`` lists the teachers that
scored them (``Episode.teacher``) and ``unrecorded_teacher`` counts scored episodes that do
not say.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from protege.records import Episode, Step
from protege.view.labels import agent_label
from protege.view.signals import DEFAULT_DELTA, DEFAULT_EPS, StepSignal, episode_signals
from protege.view.tokens import decode_vocabularies

DIGITS = 4
"""Decimals kept for log-probabilities and divergences in the embedded data."""

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")
_PLACEHOLDER_RE = re.compile(r"\{\{(TITLE|STYLE|SCRIPT|DATA|EPISODES)\}\}")
DETAIL_KEYS = ("steps", "meta", "final", "policy_path", "teacher_path")
"""Episode fields embedded apart from the list, parsed by the page only when it is opened."""


def _round(value: float | None) -> float | None:
    """``value`` to :data:`DIGITS` decimals; None for None, NaN and infinities (not JSON)."""
    return None if value is None or not math.isfinite(value) else round(float(value), DIGITS)


def _round_all(values: Sequence[float] | None) -> list[float | None] | None:
    """:func:`_round` of every value; numpy rounds a whole step at once (~10x faster)."""
    if values is None:
        return None
    array = np.round(np.asarray(values, dtype=float), DIGITS)
    if np.isfinite(array).all():
        return array.tolist()
    return [v if math.isfinite(v) else None for v in array.tolist()]


class _Interner:
    """Maps repeated strings to indices into one shared list."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        index = self._index.get(text)
        if index is None:
            index = self._index[text] = len(self.strings)
            self.strings.append(text)
        return index


def _step_data(step: Step, signal: StepSignal | None, intern: _Interner) -> dict[str, Any]:
    data: dict[str, Any] = {
        "o": step.observation,
        "a": step.action,
        "r": step.reward,
        "s": step.score,
        "adm": [intern(action) for action in step.admissible_actions],
    }
    for key, value in (("won", step.won), ("term", step.terminated), ("trunc", step.truncated)):
        if value:
            data[key] = True
    if step.response is not None:
        data["resp"] = step.response
    if step.parse_error is not None:
        data["pe"] = step.parse_error
    if step.action_token_ids:
        data["ids"] = list(step.action_token_ids)
        data["lp"] = _round_all(step.action_logprobs)
        data["tlp"] = _round_all(step.teacher_logprobs)
    if signal is not None:
        data["d"] = _round(signal.divergence)
        data["w"] = _round(signal.weight)
        data["kl"] = _round(signal.reverse_kl)
    return data


def _episode_data(
    index: int,
    episode: Episode,
    signals: dict[int, StepSignal],
    vocabulary: str | None,
    intern: _Interner,
    source: str | None,
) -> dict[str, Any]:
    divergences = [signal.divergence for signal in signals.values()]
    return {
        "i": index,
        "source": source,
        "env": episode.env_id,
        "split": episode.split,
        "seed": episode.seed,
        "task_id": episode.task_id,
        "task_type": episode.task_type,
        "goal": episode.goal,
        "policy": agent_label(episode),
        "policy_path": episode.policy,
        "teacher_path": episode.teacher if signals else None,
        "scored": bool(signals),
        "won": episode.won,
        "score": episode.score,
        "reward": round(episode.total_reward, DIGITS),
        "n": episode.num_steps,
        "div": _round(sum(divergences) / len(divergences)) if divergences else None,
        "vocab": vocabulary,
        "meta": _jsonable(episode.metadata),
        "final": episode.final_observation,
        "steps": [_step_data(step, signals.get(k), intern) for k, step in enumerate(episode.steps)],
    }


def _jsonable(value: Any) -> Any:
    """``value`` if it is JSON-serialisable, else its JSON form with ``str`` for the rest."""
    return json.loads(json.dumps(value, default=str))


def build_report_data(
    episodes: Sequence[Episode],
    *,
    tokenizer: str | os.PathLike[str] | None = None,
    title: str = "protege episodes",
    source: str | None = None,
    sources: Sequence[str | None] | None = None,
    eps: float = DEFAULT_EPS,
    delta: float = DEFAULT_DELTA,
) -> dict[str, Any]:
    """The report's data: episodes, decoded token texts and the teacher's signal per step.

    Args:
        episodes: the episodes to show, in order (an episode's number is its index here).
        tokenizer: a local tokenizer folder for every episode; None uses each episode's
            ``metadata["model"]`` and falls back to token ids.
        title: the page title.
        source: where the episodes came from (file paths), shown under the title.
        sources: each episode's source label (its file's, from
            :func:`protege.view.labels.source_labels`), a filter of the page when there are
            several; None when they come from one.
        eps, delta: SOD's step-weight constants.
    """
    signals = episode_signals(episodes, eps=eps, delta=delta)
    vocabularies, keys = decode_vocabularies(episodes, tokenizer)
    intern = _Interner()
    if sources is not None and len(sources) != len(episodes):
        raise ValueError(f"got {len(sources)} source labels for {len(episodes)} episodes")
    rows = [
        _episode_data(i, episode, signals[i], keys[i], intern, sources[i] if sources else None)
        for i, episode in enumerate(episodes)
    ]
    scored = [row for row in rows if row["scored"]]
    return {
        "title": title,
        "source": source,
        # who scored: each recorded teacher, and how many scored episodes do not say
        "teachers": sorted({row["teacher_path"] for row in scored if row["teacher_path"]}),
        "unrecorded_teacher": sum(1 for row in scored if not row["teacher_path"]),
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "sod": {"eps": eps, "delta": delta},
        "strings": intern.strings,
        "vocabularies": vocabularies,
        "episodes": rows,
    }


def embed_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028/9 as ``\\u`` escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_ESCAPE_RE.sub(lambda match: _JSON_ESCAPES[match.group(0)], text)


def _static(name: str) -> str:
    return resources.files("protege.view").joinpath("static", name).read_text(encoding="utf-8")


def render_html(data: dict[str, Any]) -> str:
    """The whole self-contained page for :func:`build_report_data`'s output."""
    summaries, details = [], []
    for episode in data["episodes"]:
        summaries.append({k: v for k, v in episode.items() if k not in DETAIL_KEYS})
        detail = {k: episode[k] for k in DETAIL_KEYS if k in episode}
        details.append(
            f'<script type="application/json" data-episode="{int(episode["i"])}">'
            f"{embed_json(detail)}</script>"
        )
    values = {
        "TITLE": html.escape(str(data.get("title", "protege episodes"))),
        "STYLE": _static("viewer.css"),
        "SCRIPT": _static("viewer.js"),
        "DATA": embed_json({**data, "episodes": summaries}),
        "EPISODES": "\n".join(details),
    }
    return _PLACEHOLDER_RE.sub(lambda match: values[match.group(1)], _static("template.html"))


def write_report(
    episodes: Iterable[Episode],
    path: str | os.PathLike[str],
    *,
    tokenizer: str | os.PathLike[str] | None = None,
    title: str | None = None,
    source: str | None = None,
    sources: Sequence[str | None] | None = None,
    eps: float = DEFAULT_EPS,
    delta: float = DEFAULT_DELTA,
) -> Path:
    """Write the HTML report of ``episodes`` to ``path`` (parents created); returns the path.

    This is the hook for a trainer: every N updates, pass the scored episode sample (steps
    with ``teacher_logprobs``) and a path such as ``run/reports/update_000120.html``.
    """
    episodes = list(episodes)
    path = Path(path)
    data = build_report_data(
        episodes,
        tokenizer=tokenizer,
        title=title or f"protege episodes: {path.stem}",
        source=source,
        sources=sources,
        eps=eps,
        delta=delta,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data), encoding="utf-8")
    return path
