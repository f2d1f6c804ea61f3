"""The distillation trainer: one loop for every method, read top to bottom.

Each update: (1) the student plays (or the expert, for SFT; TCOD's curriculum picks the depth
or the expert prefix), (2) the teacher scores the student's exact tokens (in its own context
for Skill-SD / OPSD), (3) the method's loss, looked up by name in
:data:`protege.distill.methods.METHODS`, is minimised over minibatches with gradient
accumulation (gradients averaged across data-parallel processes), (4) metrics are logged,
the student is evaluated every ``eval.every`` updates and a checkpoint is written every
``checkpoint.every`` updates. ``resume=True`` continues exactly from the latest checkpoint.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from protege.agents.evaluate import RolloutConfig, select_tasks
from protege.agents.formats import get_format
from protege.agents.policies.hf import HFPolicy, pick_device
from protege.agents.rollout import task_for_seed
from protege.distill import distributed
from protege.distill.batch import LossOutput, MethodInputs
from protege.distill.batching import (
    Collated,
    Row,
    collate,
    episode_row,
    minibatches,
    set_group_statistics,
)
from protege.distill.build import (
    TEACHERS,
    build_scorer,
    env_max_steps,
    load_student,
    lr_lambda,
    student_temperature,
)
from protege.distill.checkpoint import (
    checkpoint_dir,
    clear_run,
    latest_checkpoint,
    load_checkpoint,
    run_progress,
    save_checkpoint,
)
from protege.distill.config import ConfigError, DistillConfig, active_hint, check_model_paths
from protege.distill.contexts import CONTEXTS, HintContext
from protege.distill.divergences import k1, masked_mean
from protege.distill.logprobs import token_logprobs
from protege.distill.methods import Curriculum, MethodSpec, get_method
from protege.distill.metrics import MetricsLogger, logprob_gap, per_turn_kl, weight_stats
from protege.distill.rollout_backends import RolloutBackend, rollout_backend
from protege.distill.rollouts import (
    PrefixPolicy,
    TokenExpertPolicy,
    expert_plan,
    play,
)
from protege.distill.scoring import StepScores
from protege.errors import UsageError
from protege.paths import output_folder
from protege.records import Episode, write_episodes


@dataclass
class Run:
    """Everything the loop needs, built once by :func:`setup`."""

    config: DistillConfig
    spec: MethodSpec
    world: distributed.World
    device: str
    tokenizer: Any
    student: Any
    teacher: Any
    scorer: Any
    context: Any
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR
    logger: MetricsLogger | None
    max_steps: int
    output: Path
    rollouts: RolloutBackend
    version: int = 0
    """Optimiser updates applied to the student so far (the rollout engine's weight version)."""


# ----------------------------------------------------------------------------- setup


def setup(config: DistillConfig) -> Run:
    """Build models, optimiser, scheduler, teacher, context and logger for a run."""
    spec = get_method(config.method.name)
    context = CONTEXTS[context_name(config, spec)]
    world = distributed.init_world(pick_device(config.student.device))
    device = distributed.local_device(pick_device(config.student.device))
    if config.rollout.tasks_per_update % world.size:
        raise ConfigError(
            f"rollout.tasks_per_update ({config.rollout.tasks_per_update}) must divide by the "
            f"number of data-parallel processes ({world.size})"
        )
    torch.manual_seed(config.seed)  # identical LoRA init on every process
    student, tokenizer = load_student(config, device)
    distributed.broadcast_parameters(student, world)
    teacher = TEACHERS[spec.teacher](config, student, device)
    scorer = build_scorer(config, spec, teacher, tokenizer)
    prompt_format = get_format(config.rollout.prompt_format)
    summariser = HFPolicy.from_model(
        student, tokenizer, temperature=0.0, max_new_tokens=128, prefix_cache=False
    )
    context = context(
        tokenizer=tokenizer,
        prompt_format=prompt_format,
        method=config.method,
        env=config.env,
        summariser_policy=summariser,
    )
    trainable = [p for p in student.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        trainable, lr=config.optim.lr, weight_decay=config.optim.weight_decay
    )
    rows = config.rollout.tasks_per_update // world.size * config.rollout.group_size
    per_pass = len(step_groups(math.ceil(rows / config.optim.minibatch_size), config))
    total = config.updates * config.optim.epochs_per_update * per_pass
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda(config, total))
    output = Path(config.output_dir)
    logger = None
    if world.is_main:
        logger = MetricsLogger(
            output,
            jsonl=config.log.jsonl,
            tensorboard=config.log.tensorboard,
            wandb=config.log.wandb,
            wandb_project=config.log.wandb_project,
            config=config.model_dump(),
        )
        (output / "config.json").write_text(config.model_dump_json(indent=2), encoding="utf-8")
    torch.manual_seed(config.seed + 1000 * world.rank)  # different samples on each process
    if config.rollout.backend == "vllm" and world.size > 1:
        raise ConfigError("rollout.backend: vllm runs in a single process; use backend hf")
    rollouts = rollout_backend(config, student, tokenizer, output)  # last: it may start a server
    return Run(
        config, spec, world, device, tokenizer, student, teacher, scorer, context, optimizer,
        scheduler, logger, env_max_steps(config), output, rollouts,
    )  # fmt: skip


def context_name(config: DistillConfig, spec: Any) -> str:
    """``hint`` where the config asks for the privileged teacher (or SFT trains one), else
    the method's own teacher context (the config refuses hints a method cannot take)."""
    return spec.teacher_context if active_hint(config) == "none" else "hint"


# ----------------------------------------------------------------------------- rollouts


def task_seeds(config: DistillConfig, update: int, world: distributed.World) -> list[int]:
    """This process's task seeds for ``update``; the same for every run with the same seed."""
    base = config.seed * 1_000_003 + update * config.rollout.tasks_per_update
    return distributed.shard(range(base, base + config.rollout.tasks_per_update), world)


def training_policy(run: Run, curriculum: Curriculum, seeds: list[int]) -> tuple[Any, dict]:
    """The policy that plays this update's episodes and each seed's expert prefix length."""
    config = run.config
    rollout = config.rollout
    student = run.rollouts.policy(
        run.student, run.version, temperature=rollout.temperature, top_p=rollout.top_p
    )
    detours = getattr(config.method, "detours", 0.0)
    expert = TokenExpertPolicy(run.tokenizer, rollout.prompt_format, detours, config.seed)
    policies = {"student": student, "expert": expert}
    policy = policies[run.spec.rollout]
    prefixes: dict[int | None, int] = {}
    if curriculum.expert_prefix is not None:
        env = config.env
        for seed in seeds:
            task_id = task_for_seed(env.tasks, seed)
            plan = expert_plan(
                env.env_id, seed, env.split, env.task_type, task_id, max_steps=run.max_steps
            )
            prefixes[seed] = curriculum.expert_prefix(len(plan))
        policy = PrefixPolicy(expert, student, lambda seed: prefixes.get(seed, 0))
    return policy, prefixes


def collect(run: Run, update: int, curriculum: Curriculum) -> tuple[list[Episode], list[int]]:
    """Play ``group_size`` episodes per task; return them and their group (task) ids."""
    config = run.config
    seeds = task_seeds(config, update, run.world)
    policy, prefixes = training_policy(run, curriculum, seeds)
    group_seeds = [seed for seed in seeds for _ in range(config.rollout.group_size)]
    episodes = play(
        policy,
        config.env.env_id,
        group_seeds,
        split=config.env.split,
        task_type=config.env.task_type,
        max_steps=curriculum.max_student_steps or run.max_steps,
        prompt_format=config.rollout.prompt_format,
        num_envs=config.rollout.num_envs,
        list_actions=config.rollout.list_actions,
        tasks=config.env.tasks,
    )
    for episode in episodes:
        if prefixes:
            episode.metadata["expert_prefix"] = prefixes.get(episode.seed, 0)
    groups = [seeds.index(seed) for seed in group_seeds]
    return episodes, groups


# ----------------------------------------------------------------------------- scoring


def score(run: Run, episodes: list[Episode]) -> list[dict[int, StepScores]] | None:
    """The teacher's scores of every step, written into ``Step.teacher_logprobs`` too."""
    if run.scorer is None:
        return None
    training = run.student.training
    run.student.eval()
    try:
        scores = run.scorer.score(
            run.context.teacher_episodes(episodes), run.context.prompt_fn(episodes)
        )
    finally:
        run.student.train(training)
    run.context.after_scoring(episodes)
    for episode, by_step in zip(episodes, scores, strict=True):
        for number, step_scores in by_step.items():
            episode.steps[number].teacher_logprobs = step_scores.logprobs
    return scores


def training_episodes(run: Run, episodes: list[Episode]) -> list[Episode]:
    """What the student is trained on: the episodes as played, except that a method without a
    teacher trains on its context's view (SFT of a privileged teacher: the hinted episodes,
    what that teacher will read)."""
    if run.spec.teacher == "none" and isinstance(run.context, HintContext):
        return run.context.expert_steps(episodes)
    return episodes


def behaviour_logprobs(run: Run, rows: list[Row]) -> None:
    """The student's log-probabilities before this update (the importance-ratio denominator),
    of the distribution it sampled from: logits / ``rollout.temperature``
    (:func:`~protege.distill.build.student_temperature`)."""
    pad = int(run.tokenizer.pad_token_id or 0)
    run.student.eval()
    with torch.no_grad():
        for start in range(0, len(rows), run.config.optim.minibatch_size):
            chunk = rows[start : start + run.config.optim.minibatch_size]
            batch = collate(chunk, pad).to(run.device)
            logp_B_T = token_logprobs(
                run.student,
                batch.input_ids_B_T,
                batch.attention_mask_B_T,
                batch.mask_B_T > 0,
                temperature=student_temperature(run.config, run.spec),
            ).logp_B_T.cpu()
            for row, logp_T in zip(chunk, logp_B_T, strict=True):
                row.old_logp = logp_T[: len(row.token_ids)]
    run.student.train()


def training_rows(run: Run, episodes: list[Episode], groups: list[int]) -> list[Row]:
    """The update's training rows: the episodes scored by the teacher, with their groups'
    reward statistics and, for the student's own episodes, the behaviour log-probabilities."""
    scores = score(run, episodes)
    trained = training_episodes(run, episodes)
    rows = [
        episode_row(episode, group, None if scores is None else scores[index])
        for index, (episode, group) in enumerate(zip(trained, groups, strict=True))
    ]
    set_group_statistics(rows)
    if run.spec.rollout == "student":  # importance ratios need the sampling policy's log-probs
        behaviour_logprobs(run, rows)
    return rows


# ----------------------------------------------------------------------------- optimisation


def minibatch_loss(run: Run, batch: Collated) -> LossOutput:
    """The method's loss on one minibatch (the only place a method is called); its metrics
    include the SOD weight statistics when the method reports token weights."""
    scored = token_logprobs(
        run.student,
        batch.input_ids_B_T,
        batch.attention_mask_B_T,
        batch.mask_B_T > 0,
        gather_ids_B_T_K=batch.teacher_topk_ids_B_T_K,
        temperature=student_temperature(run.config, run.spec),  # pi_theta at pi_old's
    )
    # expert-played rows (SFT) have no behaviour policy: the current one stands in (ratio 1)
    old_logp_B_T = batch.old_logp_B_T
    if old_logp_B_T is None:
        old_logp_B_T = scored.logp_B_T.detach()
    inputs = MethodInputs(
        logp_B_T=scored.logp_B_T,
        old_logp_B_T=old_logp_B_T,
        mask_B_T=batch.mask_B_T,
        step_ids_B_T=batch.step_ids_B_T,
        rewards_B=batch.rewards_B,
        group_ids_B=batch.group_ids_B,
        teacher_logp_B_T=batch.teacher_logp_B_T,
        student_topk_logp_B_T_K=scored.topk_logp_B_T_K,
        teacher_topk_logp_B_T_K=batch.teacher_topk_logp_B_T_K,
        group_mean_B=batch.group_mean_B,
        group_std_B=batch.group_std_B,
    )
    output = run.spec.loss(inputs, run.config.method)
    if output.token_weights_B_T is not None:
        output.metrics = {
            **output.metrics,
            **weight_stats(output.token_weights_B_T, batch.mask_B_T),
        }
    return output


def step_groups(minibatch_count: int, config: DistillConfig) -> list[range]:
    """The minibatches of one pass over an update, cut into optimiser steps.

    ``optim.steps_per_update: n`` cuts them into ``n`` near-equal groups (1: one step on all
    of the update's episodes, tinker's recipe); otherwise each step takes
    ``optim.grad_accumulation`` minibatches.
    """
    steps = config.optim.steps_per_update
    size = config.optim.grad_accumulation if steps is None else math.ceil(minibatch_count / steps)
    return [range(s, min(s + size, minibatch_count)) for s in range(0, minibatch_count, size)]


def accumulate(run: Run, batches: list[Collated], totals: dict[str, float]) -> None:
    """Backpropagate each minibatch's loss weighted by its share of the group's trained tokens.

    Every method's loss is a token-mean, so the summed gradient is that of the token-mean
    over the whole group: the same step as one minibatch holding every row (tested). A
    minibatch without signal (:attr:`LossOutput.has_signal`) is not backpropagated: its
    gradient would be exactly zero.
    """
    tokens = [float(batch.mask_B_T.sum()) for batch in batches]
    total = sum(tokens)
    for batch, count in zip(batches, tokens, strict=True):
        output = minibatch_loss(run, batch.to(run.device))
        if output.has_signal and output.loss.requires_grad and count > 0:
            (output.loss * (count / total)).backward()
        for key, value in {"loss": output.loss.item(), **output.metrics}.items():
            totals[key] = totals.get(key, 0.0) + value


def gradient_norm(run: Run) -> float:
    """The global L2 norm of the trainable gradients, clipped to ``optim.max_grad_norm``
    when set (the norm before clipping is returned)."""
    trainable = [p for p in run.student.parameters() if p.requires_grad and p.grad is not None]
    if not trainable:
        return 0.0
    limit = run.config.optim.max_grad_norm
    return float(torch.nn.utils.clip_grad_norm_(trainable, limit if limit else math.inf))


def scheduler_step(run: Run) -> None:
    """Advance the learning-rate schedule by one planned step, applied or skipped."""
    with warnings.catch_warnings():  # torch warns when the first optimiser step was skipped
        warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step")
        run.scheduler.step()


def optimise(run: Run, rows: list[Row], update: int) -> dict[str, float]:
    """Minibatch updates over this update's rows; returns averaged loss metrics.

    A step whose accumulated gradient is exactly zero (every minibatch without signal, e.g.
    GRPO groups with equal rewards) is skipped: AdamW would otherwise still move every weight
    by about ``lr`` along its momentum (and decay it). The schedule still advances: it is a
    clock of the run's planned steps, so the learning rate at an update does not depend on
    how many earlier steps happened to carry no signal, and a decay ends where planned.
    ``optim/skipped_steps`` counts the skipped steps, ``optim/grad_norm`` averages the norm
    of the applied ones (before clipping).
    """
    config, pad = run.config, int(run.tokenizer.pad_token_id or 0)
    generator = torch.Generator().manual_seed(config.seed * 7919 + update)
    totals: dict[str, float] = {}
    count = steps = skipped = 0
    norms = 0.0
    for _ in range(config.optim.epochs_per_update):
        batches = minibatches(len(rows), config.optim.minibatch_size, generator)
        for group in step_groups(len(batches), config):
            run.optimizer.zero_grad(set_to_none=True)
            collated = [collate([rows[i] for i in batches[b]], pad) for b in group]
            accumulate(run, collated, totals)
            count += len(collated)
            distributed.average_gradients(run.student, run.world)
            norm = gradient_norm(run)
            if norm == 0.0:
                skipped += 1
            else:
                run.optimizer.step()
                steps += 1
                norms += norm
            scheduler_step(run)
    metrics = {key: value / max(count, 1) for key, value in totals.items()}
    metrics.update(
        {
            "optim/steps": float(steps),
            "optim/skipped_steps": float(skipped),
            "optim/grad_norm": norms / max(steps, 1),
        }
    )
    return metrics


def ema_update(run: Run) -> None:
    """Move an EMA self-teacher toward the student (``teacher_mode: ema`` only)."""
    if getattr(run.config.method, "teacher_mode", None) != "ema":
        return
    rate = run.config.method.ema_rate
    with torch.no_grad():
        for t, s in zip(run.teacher.parameters(), run.student.parameters(), strict=True):
            t.mul_(rate).add_(s.detach(), alpha=1.0 - rate)


# ----------------------------------------------------------------------------- metrics


def rollout_metrics(run: Run, episodes: list[Episode], rows: list[Row]) -> dict[str, float]:
    """Success, reward, per-turn reverse KL and its mean over trained tokens."""
    metrics = {
        "success": sum(e.won for e in episodes) / max(len(episodes), 1),
        "steps": sum(e.num_steps for e in episodes) / max(len(episodes), 1),
    }
    batch = collate(rows, int(run.tokenizer.pad_token_id or 0))
    if batch.teacher_logp_B_T is not None and batch.old_logp_B_T is not None:
        kl = masked_mean(k1(batch.old_logp_B_T, batch.teacher_logp_B_T), batch.mask_B_T)
        metrics["kl/mean"] = float(kl)
        metrics.update(per_turn_kl(batch.old_logp_B_T, batch.teacher_logp_B_T, batch.turn_ids_B_T))
    metrics["trained_tokens"] = float(batch.mask_B_T.sum())
    prefixes = [e.metadata["expert_prefix"] for e in episodes if "expert_prefix" in e.metadata]
    if prefixes:  # TCOD-B2F: expert actions replayed before the student plays
        metrics["curriculum/expert_prefix"] = sum(prefixes) / len(prefixes)
    gap = logprob_gap(episodes, rows)
    if gap is not None:  # engine vs trainer numerics (a stale rollout engine shows here)
        metrics["rollout/logp_gap_max"] = gap
    return metrics


def evaluate(run: Run) -> dict[str, float]:
    """Success of the student on different tasks of the evaluation split (the selection of
    ``protege eval``, :func:`~protege.agents.evaluate.select_tasks`), full horizon."""
    config = run.config
    tasks = select_tasks(
        RolloutConfig(
            env_id=config.env.env_id,
            split=config.eval.split,
            task_type=config.env.task_type,
            episodes=config.eval.episodes,
            distinct_tasks=True,
            tasks=config.eval.tasks,
        )
    )
    policy = run.rollouts.policy(run.student, run.version, temperature=config.eval.temperature)
    episodes = play(
        policy,
        config.env.env_id,
        list(range(len(tasks))),  # seed s plays tasks[s]
        split=config.eval.split,
        task_type=config.env.task_type,
        max_steps=run.max_steps,
        prompt_format=config.rollout.prompt_format,
        num_envs=config.rollout.num_envs,
        list_actions=config.rollout.list_actions,
        tasks=tasks,
    )
    return {"eval/success": sum(e.won for e in episodes) / len(episodes)}


# ----------------------------------------------------------------------------- the loop


def run_update(run: Run, update: int) -> tuple[dict[str, float], list[Episode]]:
    """One update: roll out, score, optimise. Returns its metrics and scored episodes."""
    started = time.perf_counter()
    curriculum = run.spec.curriculum(update, run.config.method, run.max_steps, run.config.updates)
    episodes, groups = collect(run, update, curriculum)
    rolled_out = time.perf_counter()
    rows = training_rows(run, episodes, groups)
    scored = time.perf_counter()
    metrics = rollout_metrics(run, episodes, rows)
    metrics.update(optimise(run, rows, update))
    run.version += 1
    ema_update(run)
    metrics = distributed.average_scalars(metrics, ["success", "loss", "kl/mean"], run.world)
    elapsed = time.perf_counter() - started
    tokens = sum(len(row.token_ids) for row in rows)
    metrics.update(
        {
            "tokens_per_s": tokens / elapsed,
            "time/update_s": elapsed,
            "time/rollout_s": rolled_out - started,
            "time/score_s": scored - rolled_out,  # teacher and behaviour log-probs
            "lr": run.scheduler.get_last_lr()[0],
            "curriculum/depth": float(curriculum.max_student_steps or run.max_steps),
        }
    )
    return metrics, episodes


def save(run: Run, update: int) -> None:
    """Checkpoint after ``update`` updates (every process writes its RNG)."""
    student_names = {name for name, p in run.student.named_parameters() if p.requires_grad}
    teacher_state = None
    if run.teacher is not None and run.teacher is not run.student and run.spec.teacher == "self":
        teacher_state = {
            n: p.detach().cpu().clone()
            for n, p in run.teacher.named_parameters()
            if n in student_names
        }
    state = {
        "update": update,
        "optimizer": run.optimizer.state_dict(),
        "scheduler": run.scheduler.state_dict(),
        "context": run.context.state(),
        "teacher": teacher_state,
    }
    folder = checkpoint_dir(run.output, update)
    save_checkpoint(
        folder,
        model=run.student,
        tokenizer=run.tokenizer,
        state=state,
        rank=run.world.rank,
        keep=run.config.checkpoint.keep,
    )
    distributed.barrier(run.world)


def restore(run: Run) -> int:
    """Load the latest checkpoint into the run; return the next update."""
    folder = latest_checkpoint(run.output)
    if folder is None:
        return 0
    state = load_checkpoint(folder, run.student, run.world.rank)
    run.optimizer.load_state_dict(state["optimizer"])
    run.scheduler.load_state_dict(state["scheduler"])
    run.context.load_state(state["context"])
    if state.get("teacher"):
        parameters = dict(run.teacher.named_parameters())
        with torch.no_grad():
            for name, tensor in state["teacher"].items():
                parameters[name].copy_(tensor)
    if run.logger is not None:
        run.logger.truncate(int(state["update"]) + 1)  # records up to the checkpoint stay
    run.version = int(state["update"])
    return run.version


def write_samples(run: Run, update: int, episodes: list[Episode]) -> None:
    """Scored episodes (``Step.teacher_logprobs`` filled) for the episode viewer."""
    every = run.config.log.samples_every
    if not run.world.is_main or not every or (update + 1) % every:
        return
    path = run.output / "samples" / f"update_{update + 1:06d}.jsonl"
    write_episodes(path, episodes[: run.config.log.samples_per_file])


def progress_bar(run: Run, start: int) -> Any:
    """A tqdm bar over updates on the main process (None elsewhere)."""
    if not run.world.is_main:
        return None
    from tqdm.auto import tqdm

    name = run.config.method.name
    # disable=None: drawn only when stderr is a terminal, never into a pipe or a log file
    return tqdm(
        total=run.config.updates,
        initial=start,
        desc=f"distill {name}",
        unit="update",
        disable=None,
    )


def train(
    config: DistillConfig,
    *,
    resume: bool = False,
    overwrite: bool = False,
    stop_after: int | None = None,
) -> Path:
    """Run the distillation loop; returns the folder of the final model.

    An ``output_dir`` that holds a run is refused unless ``resume`` (continue it) or
    ``overwrite`` (remove it first): a rerun would otherwise replace ``final/``, append to
    ``metrics.jsonl`` and mix old checkpoints and samples with new ones. Model paths are
    checked before anything loads. ``stop_after`` ends the process after that many updates
    in total, as if it were killed (used to test that ``resume`` continues exactly).
    """
    if resume and overwrite:
        raise UsageError("--resume and --overwrite exclude each other; give one")
    check_model_paths(config)
    reached = run_progress(config.output_dir)
    if reached is not None and not resume:
        if not overwrite:
            raise UsageError(
                f"{config.output_dir} holds a run (update {reached}); use --resume to continue "
                "or --overwrite to start again"
            )
        clear_run(config.output_dir)
    with output_folder(config.output_dir):
        run = setup(config)
        try:
            return fit(run, resume=resume, stop_after=stop_after)
        finally:
            run.rollouts.close()


def fit(run: Run, *, resume: bool = False, stop_after: int | None = None) -> Path:
    """The loop of :func:`train` over a run built by :func:`setup`."""
    config = run.config
    start = restore(run) if resume else 0
    every = config.checkpoint.every
    bar = progress_bar(run, start)
    for update in range(start, config.updates):
        metrics, episodes = run_update(run, update)
        done = update + 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{metrics['loss']:.3g}", success=f"{metrics['success']:.0%}")
        evaluating = config.eval.every and config.eval.episodes and run.world.is_main
        if evaluating and done % config.eval.every == 0:
            metrics.update(evaluate(run))
        if run.logger is not None:
            run.logger.log(done, metrics)
        write_samples(run, update, episodes)
        if (every and done % every == 0) or done == config.updates:
            save(run, done)
        if stop_after is not None and done >= stop_after:
            break
    final = run.output / "final"
    if run.world.is_main and (stop_after is None or stop_after >= config.updates):
        if not config.eval.every and config.eval.episodes:
            metrics = evaluate(run)
            (run.output / "eval.json").write_text(json.dumps(metrics), encoding="utf-8")
        run.student.save_pretrained(final)
        run.tokenizer.save_pretrained(final)
    if run.logger is not None:
        run.logger.close()
    if bar is not None:
        bar.close()
    return final
