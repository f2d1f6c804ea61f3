"""Agents: prompt formats, policy backends and rollout engines.

Only the model-free agents live here so far; importing this package never loads a model.
"""

from protege.agents.scripted import Agent, ExpertAgent, RandomAgent, play_episode

__all__ = ["Agent", "ExpertAgent", "RandomAgent", "play_episode"]
