"""The reward scale of the adapters to real packages (TextWorld, ScienceWorld).

Each package keeps its own score (TextWorld: points out of the game's maximum; ScienceWorld:
0-100, or -100 when the task fails). The adapters report it on protege's scale, the one
protege's own environments use:

* ``info["score"]`` is the normalised score, :func:`normalised_score`: 1.0 once the game is
  won, else the package's score over its maximum, clipped to [0, 1] (ScienceWorld's failure,
  -100, is 0), and 0 where the maximum is 0 or unknown.
* The step reward is the change of that normalised score since the last reward
  (:class:`ScoreRewards`); the progress a task starts with is paid with the first applied
  step, so an episode's rewards sum to its final normalised score.
* ``info["raw_score"]`` and ``info["max_score"]`` keep the package's own numbers.
"""

from __future__ import annotations


def normalised_score(raw_score: float, max_score: float | None, won: bool) -> float:
    """A package's score on protege's [0, 1] scale.

    Args:
        raw_score: the package's own score (may be negative, e.g. ScienceWorld's -100).
        max_score: the most the package's score can reach; 0 or None when unknown.
        won: whether the package says the game is won; a won game scores 1.0.

    Returns:
        1.0 when ``won``; else ``raw_score / max_score`` clipped to [0, 1]; 0.0 when
        ``max_score`` is 0, negative or None (no division by zero).
    """
    if won:
        return 1.0
    if not max_score or max_score <= 0:
        return 0.0
    return min(1.0, max(0.0, raw_score / max_score))


class ScoreRewards:
    """Pays the change of the normalised score as reward, so that rewards sum to the score.

    Call :meth:`start` at reset and :meth:`pay` after each step the package applied.
    """

    def __init__(self) -> None:
        self.paid = 0.0
        """The normalised score paid out as reward so far in this episode."""

    def start(self) -> None:
        """Begin an episode: nothing paid yet, whatever the score the task starts with."""
        self.paid = 0.0

    def pay(self, score: float) -> float:
        """The reward for reaching normalised ``score``: its change since the last payment."""
        reward, self.paid = score - self.paid, score
        return reward
