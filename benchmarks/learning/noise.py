"""How much of one update's step is its batch's own: the gradients of disjoint batches compared.

From the comparison's cold start and under its budget (``compare.py``: one AdamW step per update
of 4 episodes), plays ``--batches`` updates' worth of the student's episodes without stepping,
scores them with the method's teacher and takes the gradient of the method's loss on each batch
(the trainable LoRA weights), exactly as the trainer's one step per update would. Then, for
batches of 4, 8, 16, ... episodes (consecutive batches merged, token-weighted as the trainer
weights its minibatches):

- ``cosine``: the mean cosine between the gradients of two disjoint batches of that size;
- ``sign agreement``: the share of weights whose gradient sign equals that of all the *other*
  episodes together. AdamW's first step moves every weight by ``lr`` times that sign, so this
  is the share of the step that the rest of the data agrees with (0.5: a coin).

A batch whose gradient mostly disagrees with the other episodes' is a step mostly of noise, of
size ``lr`` whatever the gradient's size: the regime the comparison's note names.

If an episode's gradient is a shared signal ``mu`` plus independent noise of total variance
``s2``, an ``n``-episode batch's is ``mu`` plus noise ``s2 / n``, and two disjoint batches'
cosine is about ``r n / (1 + r n)`` with ``r = |mu|^2 / s2`` (in many dimensions). Each row's
cosine so gives ``r`` per episode, and the episodes per step at which two batches would agree
with cosine 0.5 (``1 / r``): how large a step must be before its signal equals its noise.

    python benchmarks/learning/noise.py --method sod --batches 8 --work WORK --out OUT
    python benchmarks/learning/noise.py --report OUT/sod-s0.json OUT/sft-s0.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from compare import COLD_START, HINT_TEACHER, method_config  # this folder's compare.py

from protege.distill.batching import collate, minibatches
from protege.distill.config import parse_config
from protege.distill.trainer import Run, accumulate, collect, setup, training_rows
from protege.quickstart import ensure_teacher, pick_model
from protege.quickstart.recipes import HINT_TEACHER_STAGES


def batch_gradient(run: Run, update: int) -> tuple[np.ndarray, float, dict[str, float]]:
    """Play and score one update's episodes; the flattened gradient of the method's loss on
    them (zero where a weight gets none), their trained tokens and the loss metrics."""
    curriculum = run.spec.curriculum(update, run.config.method, run.max_steps, run.config.updates)
    episodes, groups = collect(run, update, curriculum)
    rows = training_rows(run, episodes, groups)
    pad = int(run.tokenizer.pad_token_id or 0)
    batches = [
        collate([rows[i] for i in chunk], pad)
        for chunk in minibatches(len(rows), run.config.optim.minibatch_size)
    ]
    run.optimizer.zero_grad(set_to_none=True)
    totals: dict[str, float] = {}
    accumulate(run, batches, totals)
    trainable = [p for p in run.student.parameters() if p.requires_grad]
    flat = torch.cat([
        (p.grad if p.grad is not None else torch.zeros_like(p)).detach().flatten().float()
        for p in trainable
    ])  # fmt: skip
    tokens = float(sum(batch.mask_B_T.sum() for batch in batches))
    metrics = {key: value / max(len(batches), 1) for key, value in totals.items()}
    metrics["success"] = float(np.mean([episode.won for episode in episodes]))
    return flat.numpy(), tokens, metrics


def agreement(gradients: np.ndarray, tokens: np.ndarray, merge: int) -> dict[str, float]:
    """``cosine`` and ``sign agreement`` (the module's docstring) for batches made of ``merge``
    consecutive rows of ``gradients`` ``[batches, weights]``, each row a token-mean gradient
    over ``tokens`` of its batch's tokens."""
    count = len(gradients) // merge
    if count < 2:
        raise ValueError(f"{len(gradients)} batches make fewer than two batches of {merge}")
    sums = np.stack([
        (gradients[i * merge : (i + 1) * merge] * tokens[i * merge : (i + 1) * merge, None]).sum(0)
        for i in range(count)
    ])  # fmt: skip
    weights = np.array([tokens[i * merge : (i + 1) * merge].sum() for i in range(count)])
    merged = sums / weights[:, None]
    unit = merged / np.maximum(np.linalg.norm(merged, axis=1, keepdims=True), 1e-30)
    cosines = unit @ unit.T
    pairs = cosines[np.triu_indices(count, k=1)]
    total = (gradients * tokens[:, None]).sum(0)
    signs = []
    for i in range(count):
        rest = total - sums[i]
        nonzero = (merged[i] != 0) & (rest != 0)
        signs.append(float(np.mean(np.sign(merged[i][nonzero]) == np.sign(rest[nonzero]))))
    return {
        "batches": count,
        "cosine": float(pairs.mean()),
        "sign_agreement": float(np.mean(signs)),
    }


def signal_to_noise(cosine: float, episodes: int) -> float:
    """``r = |mu|^2 / s2`` per episode implied by the mean ``cosine`` of disjoint batches of
    ``episodes`` (the module's docstring); 0 where the cosine is not positive."""
    return max(cosine, 0.0) / (episodes * (1.0 - cosine))


def print_table(record: dict) -> None:
    """The record's agreement table in Markdown, with each row's implied signal-to-noise."""
    weights = record["weights"]
    print(f"\n{record['method']}, {record['batches']} batches, {weights} trainable weights")
    print("| episodes per step | batches | mean cosine between batches | sign agreement "
          "| signal/noise per episode | episodes for cosine 0.5 |")  # fmt: skip
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for entry in record["table"]:
        ratio = signal_to_noise(entry["cosine"], entry["episodes"])
        needed = f"{1.0 / ratio:.0f}" if ratio > 0 else "-"
        print(f"| {entry['episodes']} | {entry['batches']} | {entry['cosine']:.3f} | "
              f"{entry['sign_agreement']:.3f} | {ratio:.4f} | {needed} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="sod", help="a method of compare/methods/")
    parser.add_argument("--batches", type=int, default=8, help="updates' worth of episodes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cold-start", type=int, default=32, help="expert episodes per type")
    parser.add_argument("--work", type=Path, default=Path("learning-compare"))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "noise")
    parser.add_argument("--report", type=Path, nargs="+", help="print these results' tables")
    args = parser.parse_args()
    if args.report:
        for path in args.report:
            print_table(json.loads(path.read_text()))
        return
    model = pick_model("smollm2", print)
    teacher, _ = ensure_teacher(model, print, stages=HINT_TEACHER_STAGES, kind=HINT_TEACHER)
    cold = args.work / f"{COLD_START}-{args.cold_start}" / "final"
    if not cold.exists():
        raise SystemExit(f"no cold start at {cold}: run compare.py --agents cold-start first")
    folder = args.work / f"noise-{args.method}-s{args.seed}"
    data = method_config(args.method, model, cold, teacher, folder, args.seed)
    data["updates"] = max(data.get("updates", 12), args.batches)
    run = setup(parse_config(data))
    started = time.perf_counter()
    rows = [batch_gradient(run, update) for update in range(1, args.batches + 1)]
    gradients = np.stack([gradient for gradient, _, _ in rows])
    tokens = np.array([count for _, count, _ in rows])
    sizes = [m for m in (1, 2, 4, 8, 16) if args.batches // m >= 2]
    per_update = run.config.rollout.tasks_per_update * run.config.rollout.group_size
    table = [
        {"episodes": merge * per_update, **agreement(gradients, tokens, merge)} for merge in sizes
    ]
    record = {
        "method": args.method, "seed": args.seed, "batches": args.batches,
        "weights": int(gradients.shape[1]), "seconds": time.perf_counter() - started,
        "batch_metrics": [metrics for _, _, metrics in rows], "table": table,
    }  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.method}-s{args.seed}.json").write_text(json.dumps(record, indent=2))
    print_table(record)


if __name__ == "__main__":
    main()
