"""Evaluation statistics: Wilson intervals against hand-computed values, summaries, plots."""

from __future__ import annotations

import math

import pytest

from protege.eval import (
    EPISODE_INTERVAL,
    TASK_INTERVAL,
    newcombe_interval,
    paired_newcombe_interval,
    paired_outcomes,
    plot_episode_lengths,
    plot_success_by_type,
    plot_turn_kl,
    summarize,
    task_bootstrap_interval,
    wilson_interval,
)
from protege.records import Episode, Step


def test_wilson_interval_matches_hand_computed_values():
    # 8/10, z = 1.96: z² = 3.8416, denom = 1.38416, center = (0.8 + 0.19208)/1.38416 = 0.71683,
    # half = 1.96·sqrt(0.016 + 0.009604)/1.38416 = 1.96·0.16001/1.38416 = 0.22658
    low, high = wilson_interval(8, 10, z=1.96)
    assert low == pytest.approx(0.49016, abs=1e-4)
    assert high == pytest.approx(0.94331, abs=1e-4)
    # 0/10: low is 0, high = 2·0.19208/1.38416 = 0.27754
    assert wilson_interval(0, 10, z=1.96) == (0.0, pytest.approx(0.27754, abs=1e-4))
    # 10/10 mirrors 0/10
    assert wilson_interval(10, 10, z=1.96) == (pytest.approx(1 - 0.27754, abs=1e-4), 1.0)
    # 1/2 is symmetric around 0.5
    low, high = wilson_interval(1, 2)
    assert math.isclose(low + high, 1.0)


def test_wilson_interval_limits():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match=r"need 0 <= successes <= trials, got 3/2"):
        wilson_interval(3, 2)


def _episode(
    task_type: str, won: bool, steps: int, parse_errors: int = 0, task: str | None = None
) -> Episode:
    return Episode(
        env_id="protege-test/Counter-v0",
        task_id=task or f"{task_type}-{steps}",
        task_type=task_type,
        goal="g",
        policy="p",
        steps=[
            Step(
                observation="o",
                action="a",
                won=won and i == steps - 1,
                score=1.0 if won and i == steps - 1 else 0.5,
                parse_error="bad" if i < parse_errors else None,
            )
            for i in range(steps)
        ],
    )


def test_summarize_groups_by_task_type(tmp_path):
    episodes = [
        _episode("small", True, 2),
        _episode("small", False, 4, parse_errors=1),
        _episode("large", True, 6),
    ]
    report = summarize(episodes)
    assert report.overall.episodes == 3 and report.overall.successes == 2
    assert report.overall.mean_steps == pytest.approx(4.0)
    assert report.overall.mean_score == pytest.approx((1.0 + 0.5 + 1.0) / 3)
    assert report.overall.parse_errors == 1
    assert [g.name for g in report.by_task_type] == ["large", "small"]
    small = report.by_task_type[1]
    assert small.success_rate == 0.5
    assert (small.ci_low, small.ci_high) == pytest.approx(wilson_interval(1, 2))
    assert (report.distinct_tasks, report.repeats) == (3, 1)
    assert report.interval_method == EPISODE_INTERVAL
    assert plot_success_by_type(report, tmp_path / "a.png").stat().st_size > 0
    assert plot_episode_lengths(episodes, tmp_path / "b.png").stat().st_size > 0


def test_repeated_tasks_give_an_interval_over_tasks():
    # task a: 2 of 2 won, task b: 0 of 2 won; per-task rates 1 and 0, mean 0.5 over n = 2 tasks
    plays = [("a", True), ("a", True), ("b", False), ("b", False)]
    episodes = [_episode("small", won, 2, task=task) for task, won in plays]
    report = summarize(episodes)
    assert (report.distinct_tasks, report.repeats) == (2, 2)
    assert report.interval_method == TASK_INTERVAL
    assert report.overall.success_rate == 0.5
    # Wilson at p = 1/2 with n = 2 (the tasks), wider than with n = 4 (the episodes)
    assert (report.overall.ci_low, report.overall.ci_high) == pytest.approx(wilson_interval(1, 2))


def test_newcombe_interval_matches_newcombes_published_examples():
    # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10
    cases = {
        (56, 70, 48, 80): (0.0524, 0.3339),
        (9, 10, 3, 10): (0.1705, 0.8090),
        (6, 7, 2, 7): (0.0582, 0.8062),
        (5, 56, 0, 29): (-0.0381, 0.1926),
    }
    for counts, expected in cases.items():
        assert newcombe_interval(*counts) == pytest.approx(expected, abs=1e-4)


def test_paired_interval_is_narrower_when_agents_win_the_same_tasks():
    # 45 tasks: the agent wins the baseline's 5 and 6 more. As independent samples (11/45
    # against 5/45) the difference is not significant; on the same tasks it is.
    low, high = paired_newcombe_interval(5, 6, 0, 34)
    unpaired_low, unpaired_high = newcombe_interval(11, 45, 5, 45)
    assert unpaired_low < 0 < low
    assert high - low < unpaired_high - unpaired_low
    assert low < 6 / 45 < high


def test_paired_interval_is_symmetric_without_discordant_tasks_and_bounded():
    low, high = paired_newcombe_interval(5, 0, 0, 40)
    assert low == pytest.approx(-high) and 0 < high < 0.1
    low, high = paired_newcombe_interval(0, 45, 0, 0)
    assert 0.8 < low < 1.0 and high == pytest.approx(1.0)
    low, high = paired_newcombe_interval(3, 1, 4, 37)
    assert -1 <= low < -3 / 45 < high <= 1


def test_paired_outcomes_count_only_the_tasks_both_played():
    agent = {"a": True, "b": True, "c": False, "d": False, "e": True}
    baseline = {"a": True, "b": False, "c": True, "d": False}
    assert paired_outcomes(agent, baseline) == (1, 1, 1, 1)


def test_task_bootstrap_interval_matches_the_normal_interval_of_a_mean_difference():
    # 45 tasks, 6 won only by the agent: mean 6/45 = 0.1333, sd 0.3399 (population), standard
    # error 0.0507, so the normal 95% interval is 0.1333 ± 0.0993 = (0.034, 0.233).
    low, high = task_bootstrap_interval([1.0] * 6 + [0.0] * 39)
    assert low == pytest.approx(0.034, abs=0.015) and high == pytest.approx(0.233, abs=0.015)
    # Two seeds averaged per task: halves count, and a symmetric set of differences straddles 0.
    low, high = task_bootstrap_interval([0.5, -0.5] * 20 + [1.0, -1.0] * 5)
    assert low < 0 < high and low == pytest.approx(-high, abs=0.03)


def test_task_bootstrap_interval_is_exact_for_constant_differences_and_rejects_no_tasks():
    assert task_bootstrap_interval([0.5] * 10) == pytest.approx((0.5, 0.5))
    with pytest.raises(ValueError, match="at least one task"):
        task_bootstrap_interval([])


def test_newcombe_interval_contains_zero_for_equal_rates():
    low, high = newcombe_interval(3, 12, 3, 12)
    assert low < 0 < high and low == pytest.approx(-high)


def test_turn_kl_plot_has_a_row_per_turn_and_a_column_per_update(tmp_path):
    records = [
        {"update": 1, "kl/turn_00": 0.5, "kl/turn_01": 1.0},
        {"update": 2, "kl/turn_00": 0.4, "kl/turn_01": 0.8, "kl/turn_02": 0.2},
    ]
    path = plot_turn_kl(records, tmp_path / "kl.png", title="turns")
    import matplotlib.image

    assert path.stat().st_size > 0 and matplotlib.image.imread(path).shape[0] > 100
    with pytest.raises(ValueError, match="no kl/turn_NN"):  # SFT and GRPO runs score no turns
        plot_turn_kl([{"update": 1, "loss": 0.3}], tmp_path / "none.png")
