"""How likely each model makes each action's first word, at the states of recorded episodes.

For every step of the episodes in ``EPISODES`` (a full-history ``episodes.jsonl``), the
probability of `` go``, `` take`` and `` move`` right after ``Action:``, under the teacher and
any number of students (LoRA adapters on the base model); averaged over all steps and over the
steps where the teacher gives a word more than 0.5. This is the diagnosis in the learning
README: what a distillation run did to the student's choice of command.

    python benchmarks/learning/first_word.py EPISODES --teacher TEACHER \\
        --student cold=COLD_ADAPTER --student sod=SOD_ADAPTER
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from protege.quickstart import pick_model
from protege.records import read_episodes

WORDS = ("go", "take", "move")


def load(base: str, adapter: str | None) -> torch.nn.Module:
    """The base model, with ``adapter`` applied when given, in eval mode."""
    model = AutoModelForCausalLM.from_pretrained(base)
    if adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter)
    return model.eval()


def word_probabilities(model: torch.nn.Module, episodes: list, tokenizer: Any) -> dict[str, list]:
    """Per step (in episode order), each word's probability right after ``Action:``."""
    colon = tokenizer(":", add_special_tokens=False)["input_ids"][0]
    ids = {w: tokenizer(" " + w, add_special_tokens=False)["input_ids"][0] for w in WORDS}
    out: dict[str, list] = {word: [] for word in WORDS}
    for episode in episodes:
        tokens = list(episode.tokens.token_ids)
        positions = []
        for span in episode.tokens.spans:
            action = tokens[span.start : span.end]
            if colon in action:  # the logits at the colon predict the first word
                positions.append(span.start + action.index(colon))
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([tokens])).logits[0, positions]
        probs = torch.softmax(logits.float(), -1)  # only the wanted rows: V is 49k wide
        for row in probs:
            for word, token in ids.items():
                out[word].append(float(row[token]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", type=Path)
    parser.add_argument("--teacher", required=True, help="the merged teacher folder")
    parser.add_argument("--student", action="append", default=[], help="NAME=ADAPTER_FOLDER")
    args = parser.parse_args()
    base = pick_model("smollm2", print)
    tokenizer = AutoTokenizer.from_pretrained(base)
    episodes = read_episodes(args.episodes)
    models = {"teacher": (args.teacher, None)}
    models.update({n: (base, a) for n, a in (s.split("=", 1) for s in args.student)})
    table = {
        name: word_probabilities(load(path, adapter), episodes, tokenizer)
        for name, (path, adapter) in models.items()
    }
    steps = range(len(table["teacher"][WORDS[0]]))
    groups = {"all steps": list(steps)}
    for word in WORDS:
        groups[f"teacher {word} > 0.5"] = [i for i in steps if table["teacher"][word][i] > 0.5]
    for group, rows in groups.items():
        if not rows:
            continue
        print(f"\n{group} ({len(rows)} steps)\n| model | " + " | ".join(WORDS) + " |")
        print("| --- " * (len(WORDS) + 1) + "|")
        for name, probs in table.items():
            cells = [f"{statistics.mean(probs[w][i] for i in rows):.3f}" for w in WORDS]
            print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
