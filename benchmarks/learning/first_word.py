"""How likely each model makes each action's first word, at the states of recorded episodes.

For every step of the episodes in ``EPISODES`` (a full-history ``episodes.jsonl``), the
probability of `` go``, `` take`` and `` move`` (or ``--words``) right after ``Action:``, under
the teacher and any number of students (LoRA adapters on the base model); averaged over all
steps and over the steps where the teacher gives a word more than 0.5 (with ``--expert``: over
the steps where the environment's expert, asked from the state the episode reached, would
start with each word). This is the diagnosis in the learning README: what a distillation run
did to the student's choice of command, and whether it learnt where each command is right.

``--push`` also prints, for each student, how each objective would move each word's logit at
those states: minus the gradient of the divergence to the teacher with respect to the
student's logit of the word, over the teacher's top 16 tokens and the tail, as the trainer
computes it (``opd.with_tail``, ``divergences.generalized_jsd``).

    python benchmarks/learning/first_word.py EPISODES --teacher TEACHER \\
        --student cold=COLD_ADAPTER --student sod=SOD_ADAPTER [--push]
    python benchmarks/learning/first_word.py EPISODES --expert \\
        --student cold=COLD_ADAPTER --student sod=SOD_ADAPTER [--hint-teacher HINT_TEACHER]

``--hint-teacher`` also scores the episodes as the trainer does (``TeacherScorer`` on
``HintContext``'s hinted copies) and prints the privileged teacher's probability of the word
the episode wrote, by the expert's word and the episode's.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from protege.distill.config import EnvConfig
from protege.distill.contexts import HintContext
from protege.distill.divergences import generalized_jsd
from protege.distill.hints import expert_hints
from protege.distill.methods.opd import with_tail
from protege.distill.scoring import TeacherScorer, load_teacher
from protege.quickstart import pick_model
from protege.records import read_episodes

WORDS = ("go", "take", "move")
OBJECTIVES = {"forward KL": 0.0, "JSD 0.5": 0.5, "reverse KL": 1.0}
"""GKD's beta of each objective (the configs ``opd_fkl``, ``opd_jsd`` and ``opd_topk``)."""
TOP_K = 16


def load(base: str, adapter: str | None) -> torch.nn.Module:
    """The base model, with ``adapter`` applied when given, in eval mode."""
    model = AutoModelForCausalLM.from_pretrained(base)
    if adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter)
    return model.eval()


def verb_positions(episode: Any, tokenizer: Any) -> list[tuple[int, int]]:
    """``(step index, position)`` of each step whose action has ``Action:``: the logits at
    the colon predict the first word."""
    colon = tokenizer(":", add_special_tokens=False)["input_ids"][0]
    tokens = list(episode.tokens.token_ids)
    positions = []
    for index, span in enumerate(episode.tokens.spans):
        action = tokens[span.start : span.end]
        if colon in action:
            positions.append((index, span.start + action.index(colon)))
    return positions


def first_word_logits(model: torch.nn.Module, episodes: list, tokenizer: Any) -> torch.Tensor:
    """``[steps, V]``: the logits right after each step's ``Action:``, in episode order."""
    rows = []
    for episode in episodes:
        positions = [position for _, position in verb_positions(episode, tokenizer)]
        with torch.no_grad():
            ids = torch.tensor([episode.tokens.token_ids])
            rows.append(model(input_ids=ids).logits[0, positions].float())
    return torch.cat(rows)


def expert_words(episodes: list, tokenizer: Any) -> list[str]:
    """The first word of the expert's next action at each step :func:`first_word_logits` reads."""
    words = []
    for episode in episodes:
        hints = expert_hints(episode, split=episode.split)
        words += [hints[index].split(" ", 1)[0] for index, _ in verb_positions(episode, tokenizer)]
    return words


def word_ids(tokenizer: Any, words: list[str]) -> list[int]:
    """The token id of each of ``words`` after a space (each must be one token)."""
    ids = [tokenizer(" " + word, add_special_tokens=False)["input_ids"] for word in words]
    if any(len(tokens) != 1 for tokens in ids):
        raise SystemExit(f"--words must be single tokens after a space: {words}")
    return [tokens[0] for tokens in ids]


def pushes(
    student_S_V: torch.Tensor, teacher_S_V: torch.Tensor, ids: list[int], beta: float
) -> torch.Tensor:
    """``[steps, words]``: minus the gradient of ``JSD_beta`` over the teacher's top-k and the
    tail with respect to the student's logit of each word (what one descent step adds to it)."""
    logits_S_V = student_S_V.clone().requires_grad_(True)
    teacher_logp_S_V = torch.log_softmax(teacher_S_V, -1)
    top_S_K = teacher_logp_S_V.topk(TOP_K, dim=-1).indices
    student_S_K = torch.log_softmax(logits_S_V, -1).gather(-1, top_S_K)
    divergence = generalized_jsd(
        with_tail(student_S_K), with_tail(teacher_logp_S_V.gather(-1, top_S_K)), beta
    )
    divergence.sum().backward()
    return -logits_S_V.grad[:, ids]


def print_table(
    title: str, rows: dict[str, torch.Tensor], steps: list[int], words: list[str]
) -> None:
    """One markdown table: each row's mean over ``steps`` for each of ``words``."""
    print(f"\n{title} ({len(steps)} steps)\n| model | " + " | ".join(words) + " |")
    print("| --- " * (len(words) + 1) + "|")
    for name, values_S_W in rows.items():
        cells = [f"{float(values_S_W[steps, w].mean()):.3f}" for w in range(len(words))]
        print(f"| {name} | " + " | ".join(cells) + " |")


def hinted_teacher_table(teacher: str, episodes: list, tokenizer: Any, experts: list[str]) -> None:
    """The privileged teacher's probability of each step's first word, scored by the trainer's
    path, averaged by (the expert's word at that step, from :func:`expert_words`, and the
    episode's word)."""
    env = EnvConfig(env_id=episodes[0].env_id, split=episodes[0].split)
    context = HintContext(tokenizer, env)
    scorer = TeacherScorer(load_teacher(teacher), pad_id=int(tokenizer.pad_token_id or 0))
    scores = scorer.score(context.teacher_episodes(episodes), context.prompt_fn(episodes))
    expert = iter(experts)
    groups: dict[tuple[str, str], list[float]] = {}
    for episode, by_step in zip(episodes, scores, strict=True):
        for index, position in verb_positions(episode, tokenizer):
            span = episode.tokens.spans[index]
            verb_logprob = by_step[index].logprobs[position - span.start + 1]  # after the colon
            key = (next(expert), episode.steps[index].action.split(" ", 1)[0])
            groups.setdefault(key, []).append(math.exp(verb_logprob))
    print("\n| expert's word | episode's word | steps | teacher's p(episode's word) |")
    print("| --- | --- | ---: | ---: |")
    for (expert_word, word), values in sorted(groups.items()):
        print(f"| {expert_word} | {word} | {len(values)} | {sum(values) / len(values):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", type=Path)
    parser.add_argument("--teacher", help="the merged teacher folder (needed without --expert)")
    parser.add_argument("--student", action="append", default=[], help="NAME=ADAPTER_FOLDER")
    parser.add_argument("--push", action="store_true", help="each objective's push on each word")
    parser.add_argument(
        "--expert", action="store_true", help="group steps by the expert's next word"
    )
    parser.add_argument("--hint-teacher", help="the privileged teacher, scored as in training")
    parser.add_argument("--words", default=",".join(WORDS), help="comma list of first words")
    args = parser.parse_args()
    words = args.words.split(",")
    if not (args.teacher or args.expert) or (args.push and not args.teacher):
        parser.error("--teacher is needed without --expert and with --push")
    base = pick_model("smollm2", print)
    tokenizer = AutoTokenizer.from_pretrained(base)
    episodes = read_episodes(args.episodes)
    ids = word_ids(tokenizer, words)
    models = {"teacher": (args.teacher, None)} if args.teacher else {}
    models.update({n: (base, a) for n, a in (s.split("=", 1) for s in args.student)})
    logits = {
        name: first_word_logits(load(path, adapter), episodes, tokenizer)
        for name, (path, adapter) in models.items()
    }
    probabilities = {name: torch.softmax(rows, -1)[:, ids] for name, rows in logits.items()}
    steps = list(range(len(next(iter(logits.values())))))
    groups = {"all steps": steps}
    # replayed once: the grouping and the hinted teacher's table read the same words
    expert = expert_words(episodes, tokenizer) if args.expert or args.hint_teacher else []
    if args.expert:
        for word in words:
            groups[f"the expert says {word}"] = [i for i in steps if expert[i] == word]
    else:
        for index, word in enumerate(words):
            chosen = [i for i in steps if probabilities["teacher"][i, index] > 0.5]
            groups[f"teacher {word} > 0.5"] = chosen
    for group, rows in groups.items():
        if rows:
            print_table(f"{group}: probability of each first word", probabilities, rows, words)
    if args.hint_teacher:
        hinted_teacher_table(args.hint_teacher, episodes, tokenizer, expert)
    if not args.push:
        return
    for name in [name for name in models if name != "teacher"]:
        push = {
            objective: pushes(logits[name], logits["teacher"], ids, beta)
            for objective, beta in OBJECTIVES.items()
        }
        for group, rows in groups.items():
            if rows:
                print_table(f"{name}, {group}: mean push on each word's logit", push, rows, words)


if __name__ == "__main__":
    main()
