"""Building blocks of a run: the student (optionally LoRA), the teacher, the LR schedule.

Teachers are looked up by the method's ``teacher`` kind in :data:`TEACHERS`: none, an external
model (on its own device), or the student's own weights (shared, frozen or EMA copies).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import gymnasium as gym

from protege.agents.policies.hf import pick_device, pick_dtype, resolve_model_path
from protege.distill import distributed
from protege.distill.config import ConfigError, DistillConfig
from protege.distill.scoring import TeacherScorer, VLLMTeacherScorer, load_teacher


def load_student(config: DistillConfig, device: str) -> tuple[Any, Any]:
    """The student model (a new LoRA adapter, or a saved one to keep training) and its
    tokenizer."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = resolve_model_path(config.student.path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    dtype = pick_dtype(device, config.student.dtype)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype).to(device)
    lora = config.student.lora
    if config.student.adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, config.student.adapter, is_trainable=True)
    elif lora is not None:
        from peft import LoraConfig, get_peft_model

        adapter = LoraConfig(
            r=lora.r,
            lora_alpha=lora.alpha,
            lora_dropout=lora.dropout,
            target_modules=lora.target_modules,
            task_type="CAUSAL_LM",
        )
        model = get_peft_model(model, adapter)
    if config.optim.gradient_checkpointing:
        enable_checkpointing(model)
    model.train()
    return model, tokenizer


def enable_checkpointing(model: Any) -> None:
    """Recompute activations in the backward pass (non-reentrant: it needs no input gradients,
    so frozen embeddings stay frozen). transformers 5 renamed gradient to activation
    checkpointing."""
    kwargs = {"use_reentrant": False}
    if hasattr(model, "activation_checkpointing_enable"):
        model.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
    else:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)


def frozen_copy(model: Any) -> Any:
    """A detached copy of the student (a frozen or EMA self-teacher)."""
    teacher = copy.deepcopy(model).eval()
    for parameter in teacher.parameters():
        parameter.requires_grad_(False)
    return teacher


def external_teacher(config: DistillConfig, student: Any, device: str) -> Any:
    """A separate teacher model, on its own device (this process's GPU when data-parallel).

    None with the vLLM backend: the vLLM engine loads the teacher itself (:func:`build_scorer`).
    """
    if config.teacher.backend == "vllm":
        return None
    teacher_device = distributed.local_device(pick_device(config.teacher.device))
    return load_teacher(
        str(resolve_model_path(config.teacher.path)), teacher_device, config.teacher.dtype
    )


def self_teacher(config: DistillConfig, student: Any, device: str) -> Any:
    """The student's own weights: shared (sync), or a copy kept frozen or as an EMA."""
    mode = getattr(config.method, "teacher_mode", "sync")
    return student if mode == "sync" else frozen_copy(student)


TEACHERS: dict[str, Callable[[DistillConfig, Any, str], Any]] = {
    "none": lambda config, student, device: None,
    "external": external_teacher,
    "self": self_teacher,
}


def lr_lambda(config: DistillConfig, total_steps: int) -> Callable[[int], float]:
    """Linear warm-up, then constant, linear or cosine decay to 0."""
    warmup, schedule = config.optim.warmup_steps, config.optim.schedule

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
        decay = {"constant": 1.0, "linear": 1.0 - progress}
        return decay.get(schedule, 0.5 * (1.0 + math.cos(math.pi * progress)))

    return factor


def env_max_steps(config: DistillConfig) -> int:
    """The environment's step limit (the config's, or the family default)."""
    if config.env.max_steps is not None:
        return config.env.max_steps
    env = gym.make(config.env.env_id, split=config.env.split, task_type=config.env.task_type)
    try:
        return int(env.unwrapped.max_steps)
    finally:
        env.close()


def student_temperature(config: DistillConfig, spec: Any) -> float:
    """The temperature of the distribution the student's training tokens were drawn from, at
    which ``pi_old`` and ``pi_theta`` are computed: ``rollout.temperature``, or 1 for greedy
    rollouts (temperature 0 has no distribution to match: the model's own stands in) and for
    expert-played rows (SFT). ``rollout.top_p`` is ignored, as verl and TRL ignore it."""
    temperature = config.rollout.temperature
    return temperature if spec.rollout == "student" and temperature > 0 else 1.0


def teacher_temperature(config: DistillConfig, spec: Any) -> float:
    """The temperature of the teacher's scores: ``teacher.temperature``, or the student's."""
    if config.teacher.temperature is not None:
        return config.teacher.temperature
    return student_temperature(config, spec)


def vllm_teacher_options(config: DistillConfig) -> dict[str, Any]:
    """``vllm.LLM`` keyword arguments of a ``teacher.backend: vllm`` engine."""
    options: dict[str, Any] = {"dtype": config.teacher.dtype}  # vLLM reads "auto" the same way
    if config.teacher.vllm_gpu_memory_utilization is not None:
        options["gpu_memory_utilization"] = config.teacher.vllm_gpu_memory_utilization
    return options


def build_scorer(config: DistillConfig, spec: Any, teacher: Any, tokenizer: Any) -> Any:
    """The scorer of the method's teacher: transformers forward passes, or vLLM's
    ``prompt_logprobs`` for an external teacher with ``teacher.backend: vllm``; None when the
    method has no teacher."""
    temperature = teacher_temperature(config, spec)
    if spec.teacher == "external" and config.teacher.backend == "vllm":
        if temperature != 1.0:
            raise ConfigError(
                f"teacher.backend vllm scores at temperature 1 only, but the teacher's "
                f"temperature is {temperature:g} (teacher.temperature, or rollout.temperature "
                "when null); set teacher.temperature: 1.0 or use teacher.backend: hf"
            )
        return VLLMTeacherScorer(
            str(resolve_model_path(config.teacher.path)),
            top_k=spec.top_k(config.method),
            engine_kwargs=vllm_teacher_options(config),
        )
    if teacher is None:
        return None
    return TeacherScorer(
        teacher,
        pad_id=int(tokenizer.pad_token_id or 0),
        top_k=spec.top_k(config.method),
        max_batch_tokens=config.teacher.max_batch_tokens,
        temperature=temperature,
    )
