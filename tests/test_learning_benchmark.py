"""The learning benchmark's configs are valid distill configs with the same episode budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protege.distill.config import parse_config
from tests.scripts import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "learning" / "run.py"


LEARNING = load_script(SCRIPT, "learning_run")


@pytest.mark.parametrize("name", LEARNING.METHODS)
def test_every_method_config_is_valid_and_has_the_same_budget(name, tmp_path):
    config = parse_config(
        LEARNING.method_config(name, "smollm2", tmp_path / "cold", tmp_path / "t", tmp_path, 6)
    )
    assert config.updates == 6
    assert config.rollout.tasks_per_update * config.rollout.group_size == 4
    assert config.student.adapter == str(tmp_path / "cold")
    assert config.method.name == name.split("_")[0] or config.method.name == name


def test_a_method_block_is_replaced_and_other_blocks_are_merged():
    base = {"method": {"name": "sod", "delta": 0.2}, "rollout": {"a": 1, "b": 2}}
    out = LEARNING.merged(base, {"method": {"name": "opd"}, "rollout": {"b": 3}})
    assert out == {"method": {"name": "opd"}, "rollout": {"a": 1, "b": 3}}


def test_device_and_evaluation_during_training_reach_the_config(tmp_path):
    tasks = LEARNING.evaluation_tasks(3)
    data = LEARNING.method_config(
        "sod", "smollm2", tmp_path / "cold", tmp_path / "t", tmp_path, 6, "cuda", 2, tasks
    )
    config = parse_config(data)
    assert (config.student.device, config.teacher.device) == ("cuda", "cuda")
    assert (config.eval.every, config.eval.split, config.eval.tasks) == (2, "valid_unseen", tasks)
    assert config.eval.episodes == 3 and config.rollout.num_envs >= 3
    assert config.rollout.tasks_per_update == 4  # the training budget is unchanged


def test_evaluation_tasks_are_the_tasks_the_final_evaluation_plays(tmp_path):
    from protege.agents.evaluate import rollout
    from protege.quickstart import eval_config

    tasks = LEARNING.evaluation_tasks(5)
    config = eval_config("tiny", None, 5).model_copy(update={"policy": "expert"})
    played = rollout(config, tmp_path / "episodes.jsonl")
    assert tasks == [episode.task_id for episode in played]
    assert len(set(tasks)) == 5


def test_the_quickstart_recipe_is_one_of_the_benchmark_configs(tmp_path):
    from protege.quickstart.recipes import distill_config

    args = ("smollm2", tmp_path / "cold", tmp_path / "t", tmp_path, 6)
    assert LEARNING.method_config("opd_fkl", *args) == distill_config(*args)


def _first_word_script():
    return load_script(SCRIPT.parent / "first_word.py", "first_word")


def test_first_word_reads_the_probability_of_the_word_the_episode_wrote():
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from protege.agents import models
    from protege.distill.logprobs import token_logprobs
    from protege.distill.rollouts import TokenExpertPolicy, play

    path = str(models.prepare_tiny_model())
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path).eval()
    episodes = play(
        TokenExpertPolicy(tokenizer), "protege/Household-v1", [0], split="valid_unseen",
        task_type="pick_and_place", max_steps=6, prompt_format="react", num_envs=1,
    )  # fmt: skip
    script = _first_word_script()
    logits = script.first_word_logits(model, episodes, tokenizer)
    word_probs = torch.softmax(logits, -1)[:, script.word_ids(tokenizer, list(script.WORDS))].T
    probs = dict(zip(script.WORDS, word_probs, strict=True))

    episode = episodes[0]
    ids = torch.tensor([episode.tokens.token_ids])
    logp = token_logprobs(model, ids, torch.ones_like(ids), torch.ones_like(ids, dtype=torch.bool))
    words = [step.action.split(" ")[0] for step in episode.steps]
    assert len(probs["go"]) == len(words) == len(episode.tokens.spans)
    for index, (span, word) in enumerate(zip(episode.tokens.spans, words, strict=True)):
        action = episode.tokens.token_ids[span.start : span.end]
        verb_at = span.start + action.index(tokenizer(":")["input_ids"][0]) + 1
        expected = float(logp.logp_B_T[0, verb_at].exp())
        assert abs(probs[word][index] - expected) < 1e-4  # the word the expert wrote, there


def test_the_experts_words_are_the_words_it_wrote_except_at_its_detours():
    from transformers import AutoTokenizer

    from protege.agents import models
    from protege.distill.rollouts import TokenExpertPolicy, play

    tokenizer = AutoTokenizer.from_pretrained(str(models.prepare_tiny_model()))
    script = _first_word_script()
    for detours in (0.0, 0.5):
        episodes = play(
            TokenExpertPolicy(tokenizer, detours=detours, seed=3), "protege/Household-v1",
            [0, 1], split="valid_unseen", task_type="pick_cool_then_place", max_steps=8,
            prompt_format="react", num_envs=2,
        )  # fmt: skip
        written = [step.action.split(" ")[0] for episode in episodes for step in episode.steps]
        expert = script.expert_words(episodes, tokenizer)
        differ = sum(a != b for a, b in zip(expert, written, strict=True))
        assert len(expert) == len(written) and (differ == 0) == (detours == 0.0)


def test_the_push_of_forward_kl_is_p_minus_q_and_reverse_kl_pushes_harder_on_rejected_words():
    import torch

    script = _first_word_script()
    student = torch.full((1, 50), -3.0)
    student[0, 4], student[0, 3] = 3.0, 1.5  # the student agrees on word 4, and tries 3
    teacher = torch.full((1, 50), -5.0)
    teacher[0, 4], teacher[0, 3] = 6.0, -1.0  # the teacher wants 4 and rejects 3
    q, p = torch.softmax(student, -1)[0], torch.softmax(teacher, -1)[0]
    forward = script.pushes(student, teacher, [3, 4], beta=0.0)[0]
    reverse = script.pushes(student, teacher, [3, 4], beta=1.0)[0]
    assert torch.allclose(forward, (p - q)[[3, 4]], atol=1e-4)  # word 3 is in the top 16
    assert forward[0] < 0 < forward[1]
    assert reverse[0] < 3 * forward[0]  # log(q / p) scales the push on the rejected word


def _shop_script():
    return load_script(SCRIPT.parent / "shop.py", "learning_shop")


@pytest.mark.parametrize("name", ["opd_fkl", "sod", "tcod_f2b", "tcod_b2f"])
def test_the_shop_repeat_keeps_the_method_and_budget_and_moves_to_shop(name, tmp_path):
    from protege.quickstart.recipes import distill_config

    shop = _shop_script()
    args = ("smollm2", tmp_path / "cold", tmp_path / "t", tmp_path, 6)
    household = parse_config(LEARNING.method_config(name, *args))
    config = parse_config(
        shop.merged(shop.on_shop(distill_config(*args)), shop.method_override(name))
    )
    assert config.env.env_id == "protege/Shop-v1" and config.env.task_type is None
    assert config.method == household.method
    assert config.optim == household.optim.model_copy(update={"gradient_checkpointing": True})
    assert config.rollout.temperature == household.rollout.temperature == 0.5
    assert config.rollout.tasks_per_update == household.rollout.tasks_per_update == 4


def test_the_paired_score_difference_is_zero_for_equal_scores_and_excludes_zero_for_gains():
    shop = _shop_script()
    baseline = {f"t{i}": i / 10 for i in range(10)}
    assert shop.paired_score_difference(baseline, baseline) == (0.0, 0.0, 0.0)
    better = {task: score + 0.2 for task, score in baseline.items()}
    mean, low, high = shop.paired_score_difference(better, baseline)
    assert abs(mean - 0.2) < 1e-9 and 0 < low <= high
    mixed = {
        task: score + (0.5 if i % 2 else -0.5) for i, (task, score) in enumerate(baseline.items())
    }
    mean, low, high = shop.paired_score_difference(mixed, baseline)
    assert abs(mean) < 1e-9 and low < 0 < high
    extra = {"played by one agent only": 1.0, **better}
    assert abs(shop.paired_score_difference(extra, baseline)[0] - 0.2) < 1e-9


def test_eval_only_evaluates_trained_agents_and_skips_untrained_ones(tmp_path, monkeypatch, capsys):
    import argparse

    from protege.agents import models

    tiny = str(models.prepare_tiny_model())
    monkeypatch.setattr(  # stands in for SmolLM2, its teacher and a cold start never trained
        LEARNING, "prepare", lambda args: (tiny, Path(tiny), tmp_path / "cold-start" / "final")
    )
    out = tmp_path / "out"
    args = argparse.Namespace(
        agents=["teacher", "cold-start", "sft"],
        episodes=1,
        out=out,
        work=tmp_path / "work",
        cold_start=16,
    )
    LEARNING.evaluate_only(args)
    record = json.loads((out / "teacher.json").read_text())
    assert set(record["eval"]) == {"valid_seen", "valid_unseen"}
    assert record["eval"]["valid_unseen"]["episodes"] == 1
    assert sorted(p.name for p in out.glob("*.json")) == ["teacher.json"]
    printed = capsys.readouterr().out
    assert "skipping cold-start" in printed and "skipping sft" in printed
