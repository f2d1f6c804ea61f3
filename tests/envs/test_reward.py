"""The adapters' reward scale (protege.envs.reward) on hand-computed numbers.

The real packages play it in tests/envs/test_textworld_env.py and test_scienceworld_env.py.
"""

from __future__ import annotations

import pytest

from protege.envs.reward import ScoreRewards, normalised_score


def test_normalised_score_is_the_raw_score_over_its_maximum_clipped_to_zero_one():
    assert normalised_score(3, 4, won=False) == 0.75
    assert normalised_score(-100, 100, won=False) == 0.0  # ScienceWorld's failure
    assert normalised_score(5, 4, won=False) == 1.0
    assert normalised_score(2, 4, won=True) == 1.0  # a won game scores 1 whatever its points


@pytest.mark.parametrize("max_score", [0, None, -3])
def test_a_maximum_of_zero_or_unknown_scores_zero_until_won(max_score):
    assert normalised_score(0, max_score, won=False) == 0.0
    assert normalised_score(2, max_score, won=False) == 0.0
    assert normalised_score(0, max_score, won=True) == 1.0


def test_rewards_pay_the_starting_progress_first_and_sum_to_the_final_score():
    rewards = ScoreRewards()
    rewards.start()  # a task that starts at 0.5 (ScienceWorld's 50)
    paid = [rewards.pay(score) for score in (0.5, 0.75, 0.0)]  # then 75, then -100 (fails)
    assert paid == [0.5, 0.25, -0.75] and sum(paid) == 0.0
    rewards.start()
    assert rewards.pay(0.25) == 0.25  # a new episode pays from 0 again
