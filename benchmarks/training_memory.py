"""Peak memory and time of one training step on a long multi-turn row, four ways.

A training row is a whole full-history episode (``protege.distill.batching``): a Shop episode
that runs to its step limit is about 5,000 tokens. Each case runs in a fresh subprocess: the
LoRA student (the trainer's ``load_student``) computes the log-probabilities of ``--trained``
tokens spread over a ``--tokens``-long row (``token_logprobs``, as ``minibatch_loss`` does)
and backpropagates their sum. Reported: the peak resident set (``VmHWM``) above the loaded
model, and the step's wall-clock, for

- ``optim.gradient_checkpointing`` off or on, and
- glibc's default allocator, or ``MALLOC_MMAP_THRESHOLD_=1048576`` in the environment (blocks
  of 1 MiB and more are mmap-ed and go back to the system when freed; by default glibc raises
  that threshold to 32 MiB as large blocks are freed, after which activation-sized tensors
  come from the heap and fragment it).

The anchor is the trainer's default (neither); ratios are against it, from the same run.

    python benchmarks/training_memory.py --out benchmarks/results/training_memory.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, sys, time
import torch
from protege.distill.config import parse_config
from protege.distill.build import load_student
from protege.distill.logprobs import token_logprobs

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

model_path, tokens, trained = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
checkpointing = sys.argv[4] == "1"
config = parse_config({
    "method": {"name": "sft"},
    "student": {"path": model_path, "device": "cpu", "lora": {"r": 16}},
    "optim": {"gradient_checkpointing": checkpointing},
})
model, _ = load_student(config, "cpu")
generator = torch.Generator().manual_seed(0)
ids = torch.randint(0, model.config.vocab_size, (1, tokens), generator=generator)
positions = torch.zeros(1, tokens, dtype=torch.bool)
positions[0, torch.linspace(1, tokens - 1, trained).long()] = True
loaded = peak_mb()
started = time.perf_counter()
scored = token_logprobs(model, ids, torch.ones_like(ids), positions)
(-scored.logp_B_T.sum()).backward()
print(json.dumps({"step_s": time.perf_counter() - started, "peak_mb": peak_mb() - loaded}))
"""

CASES = {
    "default": (False, False),
    "gradient checkpointing": (True, False),
    "mmap threshold 1 MiB": (False, True),
    "both": (True, True),
}
"""Each case's (gradient checkpointing, fixed mmap threshold)."""


def run_case(model: str, tokens: int, trained: int, checkpointing: bool, mmap: bool) -> dict:
    """One case in a fresh subprocess (the allocator setting must be there at start-up)."""
    env = dict(os.environ)
    env.pop("MALLOC_MMAP_THRESHOLD_", None)
    if mmap:
        env["MALLOC_MMAP_THRESHOLD_"] = str(1 << 20)
    args = [model, str(tokens), str(trained), "1" if checkpointing else "0"]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2", help="smollm2, tiny or a model folder")
    parser.add_argument("--tokens", type=int, default=5000, help="row length")
    parser.add_argument("--trained", type=int, default=150, help="trained positions in the row")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args()
    results = {
        name: run_case(args.model, args.tokens, args.trained, *flags)
        for name, flags in CASES.items()
    }
    anchor = results["default"]
    print(f"model {args.model}, one row of {args.tokens} tokens, {args.trained} trained")
    print("| case | peak above the model (GB) | vs default | step (s) | vs default |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, result in results.items():
        result["peak_ratio"] = result["peak_mb"] / anchor["peak_mb"]
        result["time_ratio"] = result["step_s"] / anchor["step_s"]
        print(
            f"| {name} | {result['peak_mb'] / 1024:.2f} | {result['peak_ratio']:.2f}x "
            f"| {result['step_s']:.1f} | {result['time_ratio']:.2f}x |"
        )
    if args.out:
        record = {"model": args.model, "tokens": args.tokens, "trained": args.trained}
        args.out.write_text(json.dumps({**record, "cases": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
