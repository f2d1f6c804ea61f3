"""One cold start and one distillation variant, each evaluated on the quickstart's episodes.

The quick experiment behind the learning README's "starting point" tables: an SFT cold start
on ``--cold-start`` expert episodes (cached per size), its greedy success on the quickstart's
12 ``valid_unseen`` tasks, then ``--updates`` updates of the quickstart's SOD recipe with
``--override`` (a JSON mapping, or a YAML file of one, merged like ``configs/NAME.yaml``) and
the same evaluation. A ``teacher.path`` of ``hint-teacher`` names the privileged teacher
(``recipes.HINT_TEACHER_STAGES``, trained and cached on first use). Results go to
``WORK/<cold start>/result.json`` and ``WORK/<cold start>-<name>/result.json``. ``--init`` starts
the variant from another run's adapter instead (``WORK/<that run>-<name>``): the experiment of
training a collapsed student on.

    python benchmarks/learning/probe.py --cold-start 16
    python benchmarks/learning/probe.py --cold-start 16 --name fkl --override \\
        '{"method": {"name": "opd", "objective": "gkd", "beta": 0.0, "top_k": 16}}'
    python benchmarks/learning/probe.py --name opd_ref_hint --updates 12 \\
        --override benchmarks/learning/probes/opd_ref_hint.yaml
    python benchmarks/learning/probe.py --init learning-probe/cold16-opd_ref_hint/final \\
        --name fkl_from_collapse --updates 12 \\
        --override benchmarks/learning/probes/opd_fkl_ref_hint.yaml
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import yaml
from run import (  # this folder's run.py (the script's folder is on sys.path)
    merged,
    repeats,
    train_once,
)

from protege.distill.metrics import read_metrics
from protege.quickstart import ensure_teacher, evaluate_agent, pick_model, train_config
from protege.quickstart.recipes import HINT_TEACHER_STAGES, cold_start_config, sod_config
from protege.records import read_episodes

HINT_TEACHER = "hint-teacher"
"""The ``teacher.path`` that stands for the privileged teacher's cached folder."""


def read_override(text: str) -> dict[str, Any]:
    """``--override``: a JSON mapping, or the path of a YAML file holding one."""
    path = Path(text)
    if text.strip().startswith("{") or not path.is_file():
        return json.loads(text)
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def evaluated(model: str, adapter: Path, episodes: int, folder: Path, **extra: Any) -> dict:
    """Evaluate ``adapter`` once into ``folder/result.json`` (reused when it exists), with the
    turns that repeat the previous action (read from the saved episodes when missing)."""
    target = folder / "result.json"
    if not target.exists():
        started = time.perf_counter()
        summary = evaluate_agent(model, adapter, episodes, folder / "eval")
        record = {"eval": summary, "eval_s": time.perf_counter() - started, **extra}
        target.write_text(json.dumps(record, indent=2))
    record = json.loads(target.read_text())
    if "repeats" not in record:
        record["repeats"] = repeats(read_episodes(folder / "eval" / "episodes.jsonl"))
        target.write_text(json.dumps(record, indent=2))
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-start", type=int, default=16, help="expert episodes")
    parser.add_argument("--name", help="a name for the variant; none: only the cold start")
    parser.add_argument(
        "--override", default="{}", help="JSON (or a YAML file) merged into the SOD recipe"
    )
    parser.add_argument(
        "--init", type=Path, help="start the variant from this adapter, not the cold start"
    )
    parser.add_argument("--updates", type=int, default=6)
    parser.add_argument("--episodes", type=int, default=12)
    parser.add_argument("--work", type=Path, default=Path("learning-probe"))
    args = parser.parse_args()

    model = pick_model("smollm2", print)
    teacher, _ = ensure_teacher(model, print)
    cold_dir = args.work / f"cold{args.cold_start}"
    cold = train_once(cold_start_config(model, cold_dir, args.cold_start), cold_dir)
    print("cold start:", evaluated(model, cold, args.episodes, cold_dir)["eval"])
    if not args.name:
        return
    start = args.init or cold
    start_name = args.init.parent.name if args.init else cold_dir.name
    out = args.work / f"{start_name}-{args.name}"
    override = read_override(args.override)
    config = merged(sod_config(model, start, teacher, out, args.updates), override)
    if config["teacher"]["path"] == HINT_TEACHER:
        hint_teacher, _ = ensure_teacher(
            model, print, stages=HINT_TEACHER_STAGES, kind=HINT_TEACHER
        )
        config["teacher"]["path"] = str(hint_teacher)
    started = time.perf_counter()
    final = train_config(config)
    train_s = time.perf_counter() - started
    record = evaluated(
        model, final, args.episodes, out, override=override, train_s=train_s,
        init=str(start), metrics=read_metrics(out),
    )  # fmt: skip
    print(f"{args.name}:", record["eval"])


if __name__ == "__main__":
    main()
