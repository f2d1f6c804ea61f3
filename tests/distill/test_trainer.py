"""The trainer loop on the Counter toy env with tiny models: every method, resume, samples."""

from __future__ import annotations

import json

import pytest
import torch

from protege.distill.config import parse_config
from protege.distill.trainer import train
from protege.records import read_episodes


@pytest.fixture(scope="module")
def tiny_teacher_path():
    from protege.agents.models import prepare_tiny_model

    return prepare_tiny_model(seed=1)


def tiny_config(tmp_path, method: dict, teacher, **overrides):
    data = {
        "method": method,
        "student": {"path": "tiny", "device": "cpu"},
        "teacher": {"path": str(teacher), "device": "cpu"},
        "env": {"env_id": "protege-test/Counter-v0", "max_steps": 2, "task_type": "small"},
        "rollout": {"tasks_per_update": 2, "group_size": 2, "max_new_tokens": 4, "num_envs": 4},
        "optim": {"lr": 1e-3, "minibatch_size": 2},
        "eval": {"episodes": 2},
        "log": {"tensorboard": False},
        "updates": 2,
        "output_dir": str(tmp_path / "run"),
    }
    for key, value in overrides.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    return parse_config(data)


def read_metrics(run_dir):
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


METHOD_BLOCKS = {
    "opd": {"name": "opd"},
    "opd_gkd": {"name": "opd", "objective": "gkd", "top_k": 4},
    "sod": {"name": "sod", "with_grpo": True},
    "tcod_f2b": {"name": "tcod", "variant": "f2b", "eta": 1},
    "tcod_b2f": {"name": "tcod", "variant": "b2f", "eta": 1},
    "skill_sd": {"name": "skill_sd", "teacher_mode": "ema"},
    "opsd": {"name": "opsd", "top_k": 4},
    "sft": {"name": "sft"},
    "grpo": {"name": "grpo"},
    "opd_grpo": {"name": "opd_grpo"},
}


@pytest.mark.parametrize("case", sorted(METHOD_BLOCKS))
def test_every_method_runs_two_updates_and_logs(case, tmp_path, tiny_teacher_path):
    config = tiny_config(tmp_path, METHOD_BLOCKS[case], tiny_teacher_path)
    final = train(config)
    assert (final / "config.json").is_file()
    records = read_metrics(tmp_path / "run")
    assert [record["update"] for record in records] == [1, 2]
    for record in records:
        assert {"loss", "success", "tokens_per_s", "lr"} <= set(record)
        assert all(value == value for value in record.values())  # no NaN
    if case not in ("sft", "grpo"):
        assert "kl/mean" in records[0]
        assert any(key.startswith("kl/turn_") for key in records[0])
    if case == "sod":
        assert records[0]["sod_weight/max"] <= 1.2 + 1e-6
    if case == "tcod_f2b":
        # k(n) = 1 + floor(n / 1): depth 1 at update 0, 2 at update 1
        assert [record["curriculum/depth"] for record in records] == [1.0, 2.0]
        assert records[0]["steps"] == 1.0


def test_b2f_prefix_is_played_by_the_expert_and_not_trained(tmp_path, tiny_teacher_path):
    config = tiny_config(
        tmp_path,
        {"name": "tcod", "variant": "b2f", "eta": 100},
        tiny_teacher_path,
        env={"max_steps": 6},
        log={"samples_every": 1, "samples_per_file": 4},
        updates=1,
    )
    train(config)
    for episode in read_episodes(tmp_path / "run" / "samples" / "update_000001.jsonl"):
        prefix = episode.metadata["expert_prefix"]
        # c(0) = L - 1: the expert plays all but its last action
        assert prefix >= 0
        for number, step in enumerate(episode.steps[:prefix]):
            assert step.action_logprobs is None, number  # expert tokens, no sampling
        for step in episode.steps[prefix:]:
            assert step.action_logprobs is not None


def test_a_task_list_restricts_the_rollouts_and_the_expert_prefix(tmp_path, tiny_teacher_path):
    from protege.distill.rollouts import expert_plan

    task = "small-4"  # target 5: the longest walk of the small tasks
    config = tiny_config(
        tmp_path,
        {"name": "tcod", "variant": "b2f", "eta": 100},
        tiny_teacher_path,
        env={"max_steps": 6, "tasks": [task]},
        log={"samples_every": 1, "samples_per_file": 4},
        updates=1,
    )
    train(config)
    episodes = read_episodes(tmp_path / "run" / "samples" / "update_000001.jsonl")
    assert {episode.task_id for episode in episodes} == {task}
    for episode in episodes:
        plan = expert_plan("protege-test/Counter-v0", episode.seed, "train", "small", task)
        assert episode.metadata["expert_prefix"] == len(plan) - 1


def test_samples_carry_teacher_logprobs(tmp_path, tiny_teacher_path):
    config = tiny_config(
        tmp_path, {"name": "opd"}, tiny_teacher_path, log={"samples_every": 2}, updates=2
    )
    train(config)
    files = sorted((tmp_path / "run" / "samples").glob("*.jsonl"))
    assert [path.name for path in files] == ["update_000002.jsonl"]
    for episode in read_episodes(files[0]):
        for step in episode.steps:
            assert len(step.teacher_logprobs) == len(step.action_token_ids)


def _weights(folder):
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder)
    return {name: tensor.clone() for name, tensor in model.state_dict().items()}


@pytest.mark.parametrize("method", [{"name": "sod"}, {"name": "skill_sd", "teacher_mode": "ema"}])
def test_resume_after_a_kill_ends_identical_to_an_uninterrupted_run(
    method, tmp_path, tiny_teacher_path
):
    straight = tiny_config(tmp_path / "a", method, tiny_teacher_path, updates=5, seed=3)
    interrupted = tiny_config(tmp_path / "b", method, tiny_teacher_path, updates=5, seed=3)
    train(straight)
    train(interrupted, stop_after=3)  # killed after update 3
    assert not (tmp_path / "b" / "run" / "final").exists()
    train(interrupted, resume=True)
    a, b = _weights(tmp_path / "a" / "run" / "final"), _weights(tmp_path / "b" / "run" / "final")
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name
    losses_a = [r["loss"] for r in read_metrics(tmp_path / "a" / "run")]
    losses_b = [r["loss"] for r in read_metrics(tmp_path / "b" / "run")]
    assert losses_a == losses_b


def test_lora_student_trains_only_the_adapter(tmp_path, tiny_teacher_path):
    config = tiny_config(
        tmp_path, {"name": "opd"}, tiny_teacher_path, student={"lora": {"r": 4}}, updates=1
    )
    final = train(config)
    assert (final / "adapter_config.json").is_file()
    state = torch.load(
        next((tmp_path / "run" / "checkpoints").glob("update_*")) / "state.pt", weights_only=False
    )
    assert state["trainable"] and all("lora_" in name for name in state["trainable"])


def test_vllm_backend_without_vllm_names_the_extra_to_install(tmp_path, tiny_teacher_path):
    import importlib.util

    from protege.errors import MissingDependencyError

    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vllm is installed")
    config = tiny_config(tmp_path, {"name": "opd"}, tiny_teacher_path)
    config.teacher.backend = "vllm"
    with pytest.raises(MissingDependencyError) as error:
        train(config)
    assert str(error.value) == (
        "`vllm` is not installed for scoring with vLLM; run: pip install 'protege[vllm]'"
    )


def test_gradient_checkpointing_trains_the_same_weights(tmp_path, tiny_teacher_path):
    from protege.distill.build import load_student

    method = {"name": "opd", "objective": "gkd", "top_k": 4}
    plain = tiny_config(tmp_path / "a", method, tiny_teacher_path)
    recomputed = tiny_config(
        tmp_path / "b", method, tiny_teacher_path, optim={"gradient_checkpointing": True}
    )
    assert _checkpointed(load_student(recomputed, "cpu")[0])
    assert not _checkpointed(load_student(plain, "cpu")[0])
    a, b = _weights(train(plain)), _weights(train(recomputed))
    start = load_student(plain, "cpu")[0].state_dict()
    assert any(not torch.equal(a[name], start[name]) for name in a)  # it did train
    for name in a:
        assert torch.allclose(a[name], b[name], atol=1e-6), name


def _checkpointed(model) -> bool:
    return any(getattr(module, "gradient_checkpointing", False) for module in model.modules())


def test_the_held_out_evaluation_plays_different_tasks(tmp_path, tiny_teacher_path, monkeypatch):
    from protege.distill import trainer

    played = []

    def recording_play(*args, **kwargs):
        episodes = real_play(*args, **kwargs)
        played.extend(episodes)
        return episodes

    real_play = trainer.play
    monkeypatch.setattr(trainer, "play", recording_play)
    config = tiny_config(tmp_path, {"name": "sft"}, tiny_teacher_path, eval={"episodes": 5})
    trainer.evaluate(trainer.setup(config))
    # the counter's valid_seen split has 5 small tasks: each is played once
    assert len(played) == len({episode.task_id for episode in played}) == 5
