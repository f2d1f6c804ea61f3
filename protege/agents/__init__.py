"""Agents: prompt formats, policy backends and rollout engines.

- :mod:`protege.agents.conversation`: token-exact multi-turn conversations;
- :mod:`protege.agents.formats`: the ``react``, ``tagged`` and ``tool_call`` prompt formats;
- :mod:`protege.agents.policies`: expert, random, transformers, vLLM and OpenAI-server policies
  behind one batched interface;
- :mod:`protege.agents.rollout`: the batched rollout engine (:mod:`~protege.agents.ray_engine`
  for Ray actors);
- :mod:`protege.agents.evaluate`: one call for ``protege rollout`` and ``protege eval``.

Importing this package never loads a model, torch, vllm or ray.
"""

from protege.agents.scripted import Agent, ExpertAgent, RandomAgent, play_episode

__all__ = ["Agent", "ExpertAgent", "RandomAgent", "play_episode"]
