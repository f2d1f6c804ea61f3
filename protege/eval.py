"""Evaluation reports: success rates with Wilson intervals, per-task-type tables, plots.

Pure functions over :class:`~protege.records.Episode` lists: :func:`wilson_interval`,
:func:`newcombe_interval` (a difference of two success rates), :func:`paired_newcombe_interval`
(the same on paired tasks), :func:`task_bootstrap_interval` (a mean per-task difference, e.g.
over seeds), :func:`summarize` (a :class:`Report`), :func:`plot_success_by_type`,
:func:`plot_episode_lengths`, :func:`plot_learning_curve` and :func:`plot_turn_kl`. The plots
use matplotlib's file backend and never open a window.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from protege.records import Episode

Z_95 = 1.959963984540054
"""The standard normal quantile for a two-sided 95% interval."""


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; ``(0.0, 1.0)`` when ``trials`` is 0.

    ``center = (p + z²/2n) / (1 + z²/n)``, ``half = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)``
    with ``p = successes / trials``; unlike the normal interval it stays inside [0, 1] and
    is not empty at 0% or 100%.
    """
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes}/{trials}")
    if trials == 0:
        return 0.0, 1.0
    return wilson_rate_interval(successes / trials, trials, z)


def wilson_rate_interval(rate: float, size: int, z: float = Z_95) -> tuple[float, float]:
    """:func:`wilson_interval` of a mean ``rate`` in [0, 1] over ``size`` units."""
    z2 = z * z
    denominator = 1 + z2 / size
    center = (rate + z2 / (2 * size)) / denominator
    half = z * math.sqrt(rate * (1 - rate) / size + z2 / (4 * size * size)) / denominator
    low = 0.0 if rate == 0 else max(0.0, center - half)  # exact at the ends, no rounding
    high = 1.0 if rate == 1 else min(1.0, center + half)
    return low, high


def newcombe_interval(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int, z: float = Z_95
) -> tuple[float, float]:
    """95% interval of the difference of two proportions ``p_a - p_b`` (Newcombe's hybrid
    score method, his method 10, built from the two Wilson intervals).

    ``(d - sqrt((p_a - l_a)² + (u_b - p_b)²), d + sqrt((u_a - p_a)² + (p_b - l_b)²))``; the
    difference is significant at 5% when the interval excludes 0.
    """
    p_a, p_b = successes_a / trials_a, successes_b / trials_b
    low_a, high_a = wilson_interval(successes_a, trials_a, z)
    low_b, high_b = wilson_interval(successes_b, trials_b, z)
    difference = p_a - p_b
    return (
        difference - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2),
        difference + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2),
    )


def paired_newcombe_interval(
    both: int, only_a: int, only_b: int, neither: int, z: float = Z_95
) -> tuple[float, float]:
    """95% interval of ``p_a - p_b`` when ``a`` and ``b`` played the same tasks (Newcombe 1998,
    paired data, his method 10).

    The counts are the tasks both won, only ``a`` won, only ``b`` won and neither won. Like
    :func:`newcombe_interval` it squares and adds the two Wilson intervals' arms, less twice
    their product times the correlation of the two outcomes (the phi coefficient, with
    Newcombe's continuity correction): agents that win and lose the same tasks get a narrower
    interval than independent samples would.
    """
    n = both + only_a + only_b + neither
    p_a, p_b = (both + only_a) / n, (both + only_b) / n
    low_a, high_a = wilson_interval(both + only_a, n, z)
    low_b, high_b = wilson_interval(both + only_b, n, z)
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    excess = both * neither - only_a * only_b
    corrected = excess - n / 2 if excess > n / 2 else (excess if excess < 0 else 0.0)
    phi = corrected / math.sqrt(margins) if margins else 0.0
    low_arm = (p_a - low_a) ** 2 - 2 * phi * (p_a - low_a) * (high_b - p_b) + (high_b - p_b) ** 2
    high_arm = (high_a - p_a) ** 2 - 2 * phi * (high_a - p_a) * (p_b - low_b) + (p_b - low_b) ** 2
    difference = p_a - p_b
    return difference - math.sqrt(max(low_arm, 0.0)), difference + math.sqrt(max(high_arm, 0.0))


def task_bootstrap_interval(
    differences: Sequence[float], resamples: int = 10_000, seed: int = 0
) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the mean of per-task ``differences``.

    For paired comparisons whose per-task outcome is not a single win or loss: an agent trained
    with several seeds against one baseline, each task's difference being the agent's mean
    success over the seeds less the baseline's. Tasks are resampled with replacement (the
    seeds of one task stay together, they are not independent); ``seed`` fixes the draw.
    """
    values = np.asarray(differences, dtype=float)
    if values.size == 0:
        raise ValueError("task_bootstrap_interval needs at least one task")
    draws = np.random.default_rng(seed).integers(0, values.size, size=(resamples, values.size))
    means = values[draws].mean(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return float(low), float(high)


def paired_outcomes(wins_a: dict[str, bool], wins_b: dict[str, bool]) -> tuple[int, int, int, int]:
    """``(both, only_a, only_b, neither)`` won over the tasks both played (task id -> won)."""
    tasks = set(wins_a) & set(wins_b)
    both = sum(wins_a[t] and wins_b[t] for t in tasks)
    only_a = sum(wins_a[t] and not wins_b[t] for t in tasks)
    only_b = sum(wins_b[t] and not wins_a[t] for t in tasks)
    return both, only_a, only_b, len(tasks) - both - only_a - only_b


EPISODE_INTERVAL = "wilson over episodes"
"""Each episode played a different task: episodes are independent trials."""
TASK_INTERVAL = "wilson over per-task success rates (n = tasks)"
"""Tasks were played more than once: repeats of a task are not independent, so the interval is
Wilson's at the mean of the per-task success rates with the number of tasks as the sample
size. It is conservative: a rate in [0, 1] with mean p has variance at most p(1 - p)."""


class GroupSummary(BaseModel):
    """Outcome of a group of episodes (all of them, or one task type)."""

    name: str
    episodes: int
    successes: int
    success_rate: float
    ci_low: float
    ci_high: float
    mean_score: float
    mean_steps: float
    parse_errors: int = 0
    """Steps whose response did not follow the prompt format."""
    distinct_tasks: int = 0
    """Different task ids among the episodes."""


class Report(BaseModel):
    """What ``protege eval`` prints and writes to ``report.json``."""

    env_id: str
    policy: str
    split: str | None = None
    overall: GroupSummary
    by_task_type: list[GroupSummary]
    distinct_tasks: int = 0
    """Different task ids among all episodes."""
    repeats: int = 1
    """Most episodes of one task."""
    interval_method: str = EPISODE_INTERVAL
    """How the 95% intervals were computed (:data:`EPISODE_INTERVAL`, :data:`TASK_INTERVAL`)."""
    settings: dict[str, object] = {}


def summarize_group(name: str, episodes: Sequence[Episode]) -> GroupSummary:
    """Success rate with its 95% interval, mean score and mean steps of ``episodes``.

    The interval is Wilson's over episodes when each played a different task, else over
    per-task success rates (:data:`TASK_INTERVAL`).
    """
    count = len(episodes)
    successes = sum(episode.won for episode in episodes)
    by_task: dict[str, list[bool]] = {}
    for episode in episodes:
        by_task.setdefault(episode.task_id, []).append(episode.won)
    if len(by_task) < count:
        rates = [sum(won) / len(won) for won in by_task.values()]
        low, high = wilson_rate_interval(sum(rates) / len(rates), len(rates))
    else:
        low, high = wilson_interval(successes, count)
    return GroupSummary(
        name=name,
        episodes=count,
        successes=successes,
        success_rate=successes / count if count else 0.0,
        ci_low=low,
        ci_high=high,
        mean_score=sum(e.score for e in episodes) / count if count else 0.0,
        mean_steps=sum(e.num_steps for e in episodes) / count if count else 0.0,
        parse_errors=sum(step.parse_error is not None for e in episodes for step in e.steps),
        distinct_tasks=len(by_task),
    )


def summarize(episodes: Sequence[Episode], settings: dict[str, object] | None = None) -> Report:
    """A :class:`Report` over all episodes and per task type (sorted by name)."""
    if not episodes:
        raise ValueError("no episodes to summarize")
    by_type: dict[str, list[Episode]] = {}
    plays: dict[str, int] = {}
    for episode in episodes:
        by_type.setdefault(episode.task_type, []).append(episode)
        plays[episode.task_id] = plays.get(episode.task_id, 0) + 1
    first = episodes[0]
    repeats = max(plays.values())
    return Report(
        env_id=first.env_id,
        policy=first.policy or "?",
        split=first.split,
        overall=summarize_group("all", episodes),
        by_task_type=[summarize_group(name, by_type[name]) for name in sorted(by_type)],
        distinct_tasks=len(plays),
        repeats=repeats,
        interval_method=TASK_INTERVAL if repeats > 1 else EPISODE_INTERVAL,
        settings=settings or {},
    )


def plot_success_by_type(report: Report, path: str | os.PathLike[str]) -> Path:
    """Bar chart of the success rate per task type (and overall) with 95% intervals."""
    plt = _pyplot()
    groups = [*report.by_task_type, report.overall]
    rates = [g.success_rate for g in groups]
    errors = [
        [max(0.0, g.success_rate - g.ci_low) for g in groups],
        [max(0.0, g.ci_high - g.success_rate) for g in groups],
    ]
    figure, axes = plt.subplots(figsize=(max(4.0, 0.9 * len(groups) + 2.0), 4.2))
    colors = ["tab:blue"] * (len(groups) - 1) + ["tab:gray"]
    axes.bar(range(len(groups)), rates, yerr=errors, capsize=4, color=colors)
    labels = [f"{g.name} (n={g.episodes})" for g in groups]
    axes.set_xticks(range(len(groups)), labels, rotation=30, ha="right", fontsize=8)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("success rate (95% Wilson CI)")
    axes.set_title(f"{report.env_id} — {report.policy}", fontsize=9)
    return _save(plt, figure, path)


def plot_episode_lengths(episodes: Sequence[Episode], path: str | os.PathLike[str]) -> Path:
    """Histogram of episode lengths, won and lost episodes stacked."""
    plt = _pyplot()
    won = [e.num_steps for e in episodes if e.won]
    lost = [e.num_steps for e in episodes if not e.won]
    longest = max([*won, *lost, 1])
    bins = range(0, longest + 2)
    figure, axes = plt.subplots(figsize=(5, 3.4))
    axes.hist(
        [won, lost], bins=bins, stacked=True, label=["won", "lost"], color=["tab:green", "tab:red"]
    )
    axes.set_xlabel("steps")
    axes.set_ylabel("episodes")
    axes.legend()
    return _save(plt, figure, path)


def plot_learning_curve(
    records: Sequence[dict[str, float]],
    path: str | os.PathLike[str],
    *,
    evaluations: Sequence[tuple[str, float, GroupSummary]] = (),
    references: dict[str, GroupSummary] | None = None,
    title: str = "",
    rollout_label: str = "training rollouts (sampled)",
) -> Path:
    """A distillation run over its updates: the sampled reverse KL to the teacher (left), and
    the training rollouts' success with evaluations at given updates and reference agents as
    bands (right), all with 95% intervals.

    ``records`` are a run's ``metrics.jsonl`` lines; ``evaluations`` are ``(label, update,
    summary)``; ``references`` are drawn as a horizontal line with its interval shaded;
    ``rollout_label`` names the training rollouts' curve (say how they were sampled).
    """
    plt = _pyplot()
    updates = [record["update"] for record in records]
    figure, (left, right) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    kl = [record.get("kl/mean", math.nan) for record in records]
    left.plot(updates, kl, marker="o", color="tab:purple")
    left.set_xlabel("update")
    left.set_ylabel("reverse KL to the teacher (per token)")
    right.plot(
        updates,
        [record.get("success", math.nan) for record in records],
        marker=".",
        color="tab:gray",
        label=rollout_label,
    )
    for index, (label, update, summary) in enumerate(evaluations):
        errors = [[summary.success_rate - summary.ci_low], [summary.ci_high - summary.success_rate]]
        right.errorbar(
            [update], [summary.success_rate], yerr=errors, fmt="o", capsize=5, label=label,
            color=f"C{index}",
        )  # fmt: skip
    for index, (label, summary) in enumerate((references or {}).items()):
        color = f"C{len(evaluations) + index}"
        right.axhline(summary.success_rate, linestyle="--", color=color, label=label)
        right.axhspan(summary.ci_low, summary.ci_high, color=color, alpha=0.12)
    right.set_ylim(-0.02, 1.02)
    right.set_xlabel("update")
    right.set_ylabel("success (95% Wilson CI)")
    right.legend(fontsize=7, loc="upper left")
    if title:
        figure.suptitle(title, fontsize=10)
    return _save(plt, figure, path)


def plot_turn_kl(
    records: Sequence[dict[str, float]], path: str | os.PathLike[str], *, title: str = ""
) -> Path:
    """A run's sampled reverse KL to the teacher per turn index (``kl/turn_NN``) over its
    updates, as a heat map: where in the episode the student and the teacher disagree, and how
    that changes. Turns a run did not train (or play) stay blank."""
    turns = sorted({key for record in records for key in record if key.startswith("kl/turn_")})
    if not turns:
        raise ValueError("no kl/turn_NN in the records: the run had no teacher to score turns")
    plt = _pyplot()
    values = [[record.get(turn, math.nan) for record in records] for turn in turns]
    figure, axes = plt.subplots(figsize=(6.5, 3.8))
    image = axes.imshow(values, aspect="auto", origin="lower", cmap="viridis")
    updates = [record["update"] for record in records]
    axes.set_xticks(range(len(updates)), [str(update) for update in updates])
    axes.set_yticks(range(len(turns)), [str(int(turn.rsplit("_", 1)[1])) for turn in turns])
    axes.set_xlabel("update")
    axes.set_ylabel("turn index")
    figure.colorbar(image, ax=axes, label="reverse KL to the teacher (per token)")
    if title:
        axes.set_title(title, fontsize=10)
    return _save(plt, figure, path)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt, figure, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
