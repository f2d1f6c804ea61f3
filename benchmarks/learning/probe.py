"""One cold start and one distillation variant, each evaluated on the quickstart's episodes.

The quick experiment behind the learning README's "starting point" tables: an SFT cold start
on ``--cold-start`` expert episodes (cached per size), its greedy success on the quickstart's
12 ``valid_unseen`` tasks, then ``--updates`` updates of the quickstart's SOD recipe with
``--override`` (a JSON mapping merged like ``configs/NAME.yaml``) and the same evaluation.
Results go to ``WORK/<cold start>/result.json`` and ``WORK/<cold start>-<name>/result.json``.

    python benchmarks/learning/probe.py --cold-start 16
    python benchmarks/learning/probe.py --cold-start 16 --name fkl --override \\
        '{"method": {"name": "opd", "objective": "gkd", "beta": 0.0, "top_k": 16}}'
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from run import merged  # this folder's run.py (the script's folder is on sys.path)

from protege.distill.metrics import read_metrics
from protege.quickstart import ensure_teacher, evaluate_agent, pick_model, train_config
from protege.quickstart.recipes import cold_start_config, sod_config


def evaluated(model: str, adapter: Path, episodes: int, folder: Path, **extra: Any) -> dict:
    """Evaluate ``adapter`` once into ``folder/result.json`` (reused when it exists)."""
    target = folder / "result.json"
    if not target.exists():
        started = time.perf_counter()
        summary = evaluate_agent(model, adapter, episodes, folder / "eval")
        record = {"eval": summary, "eval_s": time.perf_counter() - started, **extra}
        target.write_text(json.dumps(record, indent=2))
    return json.loads(target.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-start", type=int, default=16, help="expert episodes")
    parser.add_argument("--name", help="a name for the variant; none: only the cold start")
    parser.add_argument("--override", default="{}", help="JSON merged into the SOD recipe")
    parser.add_argument("--updates", type=int, default=6)
    parser.add_argument("--episodes", type=int, default=12)
    parser.add_argument("--work", type=Path, default=Path("learning-probe"))
    args = parser.parse_args()

    model = pick_model("smollm2", print)
    teacher, _ = ensure_teacher(model, print)
    cold_dir = args.work / f"cold{args.cold_start}"
    cold = cold_dir / "final"
    if not cold.is_dir():
        started = time.perf_counter()
        train_config(cold_start_config(model, cold_dir, args.cold_start))
        (cold_dir / "train_s.txt").write_text(f"{time.perf_counter() - started:.1f}\n")
    print("cold start:", evaluated(model, cold, args.episodes, cold_dir)["eval"])
    if not args.name:
        return
    out = args.work / f"{cold_dir.name}-{args.name}"
    override = json.loads(args.override)
    config = merged(sod_config(model, cold, teacher, out, args.updates), override)
    started = time.perf_counter()
    final = train_config(config)
    train_s = time.perf_counter() - started
    record = evaluated(
        model, final, args.episodes, out, override=override, train_s=train_s,
        metrics=read_metrics(out),
    )  # fmt: skip
    print(f"{args.name}:", record["eval"])


if __name__ == "__main__":
    main()
