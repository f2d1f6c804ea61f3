"""Teacher scoring: the teacher's log-probability of each of the student's action tokens.

One forward pass per distinct context. A full-history episode (``Episode.tokens``) is one
sequence scored in one pass, each step read off its span. Per-step contexts (a last-k history
format, ``Step.prompt_token_ids``) give one sequence per step; sequences that are identical,
or an exact prefix of another, are scored once. Distinct sequences are sorted by length and
batched under a token budget.

The teacher may see a different context from the student (Skill-SD's skill, OPSD's expert
plan): ``teacher_prompt(episode, step)`` returns the teacher's context ids, which replace the
student's first prompt (full history) or the step's prompt (per-step contexts); the student's
exact action tokens, and everything after the first action, are kept verbatim.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from protege.distill.logprobs import token_logprobs
from protege.errors import UsageError, missing_dependency
from protege.records import Episode

TeacherPrompt = Callable[[Episode, int], list[int]]
"""``(episode, step index) -> the teacher's context token ids`` for that step."""


@dataclass
class Target:
    """Which tokens of a sequence belong to one step of one episode: ``[start, end)``."""

    episode: int
    step: int
    start: int
    end: int


@dataclass
class StepScores:
    """The teacher's scores of one step's action tokens."""

    logprobs: list[float]
    topk_ids: torch.Tensor | None = None
    """``[n_tokens, K]`` top-k token ids of the teacher at each action token, when asked."""
    topk_logprobs: torch.Tensor | None = None


@dataclass
class ScoringStats:
    """What a scoring call cost."""

    sequences: int = 0
    """Distinct sequences forwarded."""
    tokens: int = 0
    """Real (unpadded) tokens forwarded."""
    padded_tokens: int = 0
    """Tokens forwarded including padding."""
    forward_passes: int = 0


def build_sequences(
    episodes: Sequence[Episode], teacher_prompt: TeacherPrompt | None = None
) -> list[tuple[list[int], list[Target]]]:
    """The teacher's sequences and the step spans to read from each, one episode at a time."""
    items: list[tuple[list[int], list[Target]]] = []
    for index, episode in enumerate(episodes):
        if episode.tokens is not None and episode.tokens.spans:
            ids = list(episode.tokens.token_ids)
            spans = episode.tokens.spans
            shift = 0
            if teacher_prompt is not None:
                first = min(span.start for span in spans)
                prompt = list(teacher_prompt(episode, 0))
                shift = len(prompt) - first
                ids = prompt + ids[first:]
            targets = [Target(index, s.step, s.start + shift, s.end + shift) for s in spans]
            items.append((ids, targets))
            continue
        for number, step in enumerate(episode.steps):
            if step.action_token_ids is None or step.prompt_token_ids is None:
                continue
            prompt = (
                list(teacher_prompt(episode, number))
                if teacher_prompt is not None
                else list(step.prompt_token_ids)
            )
            ids = prompt + list(step.action_token_ids)
            items.append((ids, [Target(index, number, len(prompt), len(ids))]))
    return items


def deduplicate(
    items: list[tuple[list[int], list[Target]]],
) -> list[tuple[list[int], list[Target]]]:
    """Merge sequences that are identical or an exact prefix of another into the longest one.

    In lexicographic order, a sequence that is a prefix of any other is a prefix of the one
    right after it, so one pass from the end finds every merge.
    """
    order = sorted(range(len(items)), key=lambda i: items[i][0])
    merged: list[tuple[list[int], list[Target]]] = []
    for position in reversed(order):
        ids, targets = items[position]
        if merged and merged[-1][0][: len(ids)] == ids:
            merged[-1][1].extend(targets)
        else:
            merged.append((ids, list(targets)))
    return merged


def length_batches(lengths: Sequence[int], max_batch_tokens: int) -> list[list[int]]:
    """Indices grouped so that ``len(group) * longest <= max_batch_tokens`` (at least one each),
    sorted by length so padding stays small."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    for index in order:
        if batches and (len(batches[-1]) + 1) * lengths[index] <= max_batch_tokens:
            batches[-1].append(index)
        else:
            batches.append([index])
    return batches


def pad_batch(
    sequences: Sequence[Sequence[int]], pad_id: int, device: torch.device | str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad token lists to ``[B, T]`` ids and attention mask."""
    length = max(len(ids) for ids in sequences)
    ids_B_T = torch.full((len(sequences), length), pad_id, dtype=torch.long)
    attention_B_T = torch.zeros(len(sequences), length, dtype=torch.long)
    for row, ids in enumerate(sequences):
        ids_B_T[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        attention_B_T[row, : len(ids)] = 1
    return ids_B_T.to(device), attention_B_T.to(device)


@dataclass
class TeacherScorer:
    """Scores student episodes with a Hugging Face causal LM teacher (CPU or CUDA).

    ``top_k`` also returns the teacher's top-k distribution at each action token; ``name``
    (the teacher's model folder) is recorded as ``Episode.teacher`` by :meth:`score_into`.
    """

    model: Any
    pad_id: int = 0
    top_k: int | None = None
    max_batch_tokens: int = 8192
    deduplicate: bool = True
    temperature: float = 1.0
    name: str | None = None
    stats: ScoringStats = field(default_factory=ScoringStats)

    @property
    def device(self) -> torch.device:
        """Where the teacher's weights are."""
        return next(self.model.parameters()).device

    def score(
        self, episodes: Sequence[Episode], teacher_prompt: TeacherPrompt | None = None
    ) -> list[dict[int, StepScores]]:
        """Per episode, ``{step index: StepScores}`` for every step with action tokens."""
        items = build_sequences(episodes, teacher_prompt)
        if self.deduplicate:
            items = deduplicate(items)
        results: list[dict[int, StepScores]] = [{} for _ in episodes]
        batches = length_batches([len(ids) for ids, _ in items], self.max_batch_tokens)
        with torch.no_grad():
            for batch in batches:
                self._score_batch([items[i] for i in batch], results)
        return results

    def score_into(
        self, episodes: Sequence[Episode], teacher_prompt: TeacherPrompt | None = None
    ) -> list[dict[int, StepScores]]:
        """Score and write ``Step.teacher_logprobs`` on each scored step, and ``Episode.teacher``
        on each episode with a scored step; returns the scores."""
        results = self.score(episodes, teacher_prompt)
        for episode, scores in zip(episodes, results, strict=True):
            if scores:
                episode.teacher = self.name
            for number, step_scores in scores.items():
                episode.steps[number].teacher_logprobs = step_scores.logprobs
        return results

    def _score_batch(
        self, items: list[tuple[list[int], list[Target]]], results: list[dict[int, StepScores]]
    ) -> None:
        ids_B_T, attention_B_T = pad_batch([ids for ids, _ in items], self.pad_id, self.device)
        positions_B_T = torch.zeros_like(ids_B_T, dtype=torch.bool)
        for row, (_, targets) in enumerate(items):
            for target in targets:
                positions_B_T[row, target.start : target.end] = True
        scored = token_logprobs(
            self.model, ids_B_T, attention_B_T, positions_B_T, self.top_k, None, self.temperature
        )
        self.stats.sequences += len(items)
        self.stats.tokens += int(attention_B_T.sum())
        self.stats.padded_tokens += ids_B_T.numel()
        self.stats.forward_passes += 1
        logp_B_T = scored.logp_B_T.cpu()
        for row, (_, targets) in enumerate(items):
            for target in targets:
                window = slice(target.start, target.end)
                step = StepScores(logp_B_T[row, window].tolist())
                if scored.topk_ids_B_T_K is not None:
                    assert scored.topk_logp_B_T_K is not None
                    step.topk_ids = scored.topk_ids_B_T_K[row, window].cpu()
                    step.topk_logprobs = scored.topk_logp_B_T_K[row, window].cpu()
                results[target.episode][target.step] = step


def load_teacher(path: str, device: str = "cpu", dtype: str = "auto") -> Any:
    """Load a causal LM for scoring: bf16 on a CUDA device that supports it, else float32."""
    from transformers import AutoModelForCausalLM

    if dtype == "auto":
        use_bf16 = device.startswith("cuda") and torch.cuda.is_bf16_supported()
        torch_dtype = torch.bfloat16 if use_bf16 else torch.float32
    else:
        torch_dtype = getattr(torch, dtype)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch_dtype)
    return model.to(device).eval()


@dataclass
class VLLMTeacherScorer:
    """Scores episodes with vLLM through ``prompt_logprobs`` (teacher on a GPU server process).

    Same sequences and deduplication as :class:`TeacherScorer`; each distinct sequence is one
    prompt with ``max_tokens=1``.
    """

    model_path: str
    top_k: int | None = None
    deduplicate: bool = True
    engine_kwargs: dict[str, Any] = field(default_factory=dict)
    stats: ScoringStats = field(default_factory=ScoringStats)

    def __post_init__(self) -> None:
        if importlib.util.find_spec("vllm") is None:
            raise missing_dependency("vllm", "vllm", "scoring with vLLM")
        from vllm import LLM

        kwargs = {"max_logprobs": max(self.top_k or 0, 20), **self.engine_kwargs}
        self.llm = LLM(model=self.model_path, **kwargs)

    def score(
        self, episodes: Sequence[Episode], teacher_prompt: TeacherPrompt | None = None
    ) -> list[dict[int, StepScores]]:
        """Per episode, ``{step index: StepScores}``, as :meth:`TeacherScorer.score`."""
        from vllm import SamplingParams, TokensPrompt

        items = build_sequences(episodes, teacher_prompt)
        if self.deduplicate:
            items = deduplicate(items)
        params = SamplingParams(max_tokens=1, prompt_logprobs=self.top_k or 0, temperature=1.0)
        outputs = self.llm.generate(
            [TokensPrompt(prompt_token_ids=ids) for ids, _ in items], params
        )
        self.stats.sequences += len(items)
        self.stats.tokens += sum(len(ids) for ids, _ in items)
        results: list[dict[int, StepScores]] = [{} for _ in episodes]
        for (ids, targets), output in zip(items, outputs, strict=True):
            for target in targets:
                results[target.episode][target.step] = self._step_scores(
                    ids, output.prompt_logprobs, target
                )
        return results

    def _step_scores(
        self, ids: list[int], prompt_logprobs: list[Any], target: Target
    ) -> StepScores:
        logprobs, topk_ids, topk_logp = [], [], []
        for position in range(target.start, target.end):
            entries = prompt_logprobs[position]
            logprobs.append(float(entries[ids[position]].logprob))
            if self.top_k:
                ranked = sorted(
                    (item for item in entries.items() if item[1].rank <= self.top_k),
                    key=lambda item: item[1].rank,
                )[: self.top_k]
                topk_ids.append([token for token, _ in ranked])
                topk_logp.append([entry.logprob for _, entry in ranked])
        if not self.top_k:
            return StepScores(logprobs)
        return StepScores(logprobs, torch.tensor(topk_ids), torch.tensor(topk_logp))


def score_episode_file(
    episodes_path: str,
    teacher_path: str,
    out_path: str,
    *,
    device: str = "auto",
    dtype: str = "auto",
    max_batch_tokens: int = 8192,
) -> ScoringStats:
    """Score every episode of a JSONL file and write them with ``Step.teacher_logprobs`` and the
    teacher's model folder as ``Episode.teacher``."""
    from pathlib import Path

    from transformers import AutoTokenizer

    from protege.agents.policies.hf import pick_device, resolve_model_path
    from protege.records import read_episodes, write_episodes

    episodes = read_episodes(episodes_path)
    if not build_sequences(episodes):  # checked before the teacher loads
        raise UsageError(
            f"{episodes_path} has no token records to score ({len(episodes)} episodes without "
            "action token ids); record episodes with a model policy, e.g. "
            "`protege rollout ENV --policy hf:PATH`"
        )
    path = resolve_model_path(teacher_path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    scorer = TeacherScorer(
        load_teacher(str(path), pick_device(device), dtype),
        name=str(path),
        pad_id=int(tokenizer.pad_token_id or 0),
        max_batch_tokens=max_batch_tokens,
    )
    scorer.score_into(episodes)
    out = Path(out_path)
    if out.exists():
        out.unlink()  # write_episodes appends
    write_episodes(out, episodes)
    return scorer.stats
