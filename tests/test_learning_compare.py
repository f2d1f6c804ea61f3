"""The method comparison's configs share one budget, alternate two task types, and its report
pairs every agent with the cold start on the same tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protege.distill.config import parse_config
from tests.scripts import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "learning" / "compare.py"


COMPARE = load_script(SCRIPT, "learning_compare")


def test_the_comparison_has_the_issues_methods():
    expected = {"sft", "opd", "opd_fkl", "sod", "tcod_f2b", "tcod_b2f", "skill_sd", "grpo"}
    assert set(COMPARE.METHODS) == expected


@pytest.mark.parametrize("name", COMPARE.METHODS)
def test_every_method_gets_the_same_budget_from_the_cold_start(name, tmp_path):
    teacher = tmp_path / "hint-teacher"
    data = COMPARE.method_config(name, "smollm2", tmp_path / "cold", teacher, tmp_path, seed=1)
    config = parse_config(data)
    assert config.updates == 12
    assert config.rollout.tasks_per_update * config.rollout.group_size == 4
    assert config.optim.steps_per_update == 1
    assert config.student.adapter == str(tmp_path / "cold") and config.student.lora is None
    assert config.seed == 1 and config.env.max_steps == COMPARE.MAX_STEPS
    if config.method.name in ("opd", "sod", "tcod"):
        assert config.teacher.path == str(teacher) and config.teacher.hint == "next_action"
        assert config.optim.lr == 1e-4 and config.rollout.temperature == 1.0
    assert len(set(config.env.tasks)) == len(config.env.tasks) >= 12


def test_training_tasks_alternate_the_two_types_and_differ_by_seed():
    tasks = COMPARE.training_tasks(6, seed=0)
    kinds = [task.split("/")[1] for task in tasks]
    assert kinds == list(COMPARE.TYPES) * 6
    assert all(task.startswith("train/") for task in tasks)
    assert COMPARE.training_tasks(6, seed=1) != tasks


def test_evaluation_plays_every_unseen_task_of_the_types_and_as_many_seen_ones():
    unseen = COMPARE.evaluation_tasks("valid_unseen")
    seen = COMPARE.evaluation_tasks("valid_seen")
    for kind in COMPARE.TYPES:
        all_unseen = COMPARE.split_tasks("valid_unseen", kind)
        assert sorted(t for t in unseen if f"/{kind}/" in t) == sorted(all_unseen)
        assert sum(f"/{kind}/" in t for t in seen) == len(all_unseen)
    assert len(set(seen)) == len(seen) and all(t.startswith("valid_seen/") for t in seen)


def _record(name: str, won: dict[str, bool], seed: int = 0) -> dict:
    summary = {"name": "x", "episodes": 2, "successes": 1, "success_rate": 0.5, "ci_low": 0.1,
               "ci_high": 0.9, "mean_score": 0.5, "mean_steps": 3.0, "parse_errors": 0}  # fmt: skip
    by_type = {kind: {**summary, "name": kind} for kind in COMPARE.TYPES}
    split = {"overall": summary, "by_type": by_type, "won": won, "first_words": {"go": 3}}
    return {"name": name, "seed": seed, "eval": {s: split for s in COMPARE.SPLITS}}


def test_the_report_pairs_each_agent_with_the_cold_start_on_the_same_tasks(tmp_path):
    tasks = [f"t{i}" for i in range(40)]
    cold = {task: i < 4 for i, task in enumerate(tasks)}
    better = {task: i < 16 for i, task in enumerate(tasks)}  # the cold start's 4 and 12 more
    (tmp_path / "cold-start-s0.json").write_text(json.dumps(_record("cold-start", cold)))
    (tmp_path / "opd-s0.json").write_text(json.dumps(_record("opd", better)))
    (tmp_path / "sod-s1.json").write_text(json.dumps(_record("sod", cold, seed=1)))
    text = COMPARE.report(tmp_path).read_text()
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()}
    assert "+30% [" in rows["opd-s0"] and "* (+12/-0)" in rows["opd-s0"]
    assert "+0% [" in rows["sod-s1"] and "*" not in rows["sod-s1"].split("|")[6]
    assert text.index("cold-start-s0") < text.index("opd-s0")


def test_the_report_pairs_each_method_with_opd_of_the_same_seed(tmp_path):
    tasks = [f"t{i}" for i in range(40)]
    opd = {task: i < 4 for i, task in enumerate(tasks)}
    sod = {task: 2 <= i < 20 for i, task in enumerate(tasks)}  # 16 more, 2 fewer
    (tmp_path / "opd-s0.json").write_text(json.dumps(_record("opd", opd)))
    (tmp_path / "sod-s0.json").write_text(json.dumps(_record("sod", sod)))
    (tmp_path / "sod-s1.json").write_text(json.dumps(_record("sod", sod, seed=1)))  # no opd-s1
    text = COMPARE.report(tmp_path).read_text()
    versus = text[text.index("Against opd") :]
    rows = {line.split(" | ")[0].strip("| "): line for line in versus.splitlines()}
    assert "+35% [" in rows["sod-s0"] and "* (+16/-2)" in rows["sod-s0"]
    assert "sod-s1" not in rows and "opd-s0" not in rows


def test_the_report_pools_the_splits_and_seeds_of_a_method_per_task(tmp_path):
    tasks = [f"t{i}" for i in range(40)]
    cold = {task: i < 4 for i, task in enumerate(tasks)}
    better = {task: i < 16 for i, task in enumerate(tasks)}  # 12 more
    for name, seed, won in [("cold-start", 0, cold), ("sod", 0, better), ("sod", 1, cold),
                            ("opd", 0, cold), ("opd", 1, cold), ("tcod", 0, better)]:  # fmt: skip
        (tmp_path / f"{name}-s{seed}.json").write_text(json.dumps(_record(name, won, seed)))
    text = COMPARE.report(tmp_path).read_text()
    pooled = text[text.index("Splits and seeds pooled") :]
    rows = {line.split(" | ")[0].strip("| "): line for line in pooled.splitlines()}
    # 12 of 40 tasks per split gain in one seed of two: a mean of 12 * 0.5 / 40 = 15%, over 80
    # tasks (both splits), against the cold start and against OPD alike.
    sod = rows["sod (seeds 0,1)"].split(" | ")
    assert sod[1].startswith("+15% [") and sod[1].endswith("* (80 tasks)")
    assert sod[2].startswith("+15% [")
    assert rows["opd (seeds 0,1)"].split(" | ")[1].startswith("+0% [+0%, +0%] (80")
    tcod = rows["tcod (seed 0)"].split(" | ")  # one seed: 12 of 40 tasks in each split
    assert tcod[1].startswith("+30% [") and tcod[1].endswith("* (80 tasks)")


class _Repeater:
    """Takes the first admissible action, then repeats it: a looping student."""

    name = "repeater"

    def __init__(self) -> None:
        self.action: str | None = None

    def act(self, env, observation, info) -> str:
        self.action = self.action or info["admissible_actions"][0]
        return self.action


def _episodes(agent, seeds: list[int]) -> list:
    import gymnasium as gym

    import protege.envs  # noqa: F401  (registers the environments)
    from protege.agents.scripted import play_episode

    env = gym.make("protege/Household-v1", split="valid_unseen", max_steps=5)
    return [play_episode(env, agent, seed=seed) for seed in seeds]


def test_repeats_counts_the_turns_that_repeat_the_previous_action():
    from protege.agents.scripted import ExpertAgent

    looping = COMPARE.repeats(_episodes(_Repeater(), [0]))
    assert looping == {"turns": 4, "repeated": 4}
    assert COMPARE.repeats(_episodes(ExpertAgent(), [0, 1]))["repeated"] == 0


def test_reread_refreshes_the_episode_fields_from_the_saved_episodes(tmp_path):
    from protege.records import write_episodes

    out, work = tmp_path / "out", tmp_path / "work"
    out.mkdir()
    episodes = _episodes(_Repeater(), [0])
    (out / "opd-s0.json").write_text(json.dumps(_record("opd", {"t0": True})))
    for split in COMPARE.SPLITS:
        write_episodes(work / "eval" / "opd-s0" / split / "episodes.jsonl", episodes)
    COMPARE.reread(work, out)
    record = json.loads((out / "opd-s0.json").read_text())
    assert record["eval"]["valid_unseen"]["repeats"] == {"turns": 4, "repeated": 4}
    assert record["eval"]["valid_seen"]["won"] == {episodes[0].task_id: False}
    row = next(line for line in COMPARE.report(out).read_text().splitlines() if "opd-s0" in line)
    assert "8/8 = 100%" in row
