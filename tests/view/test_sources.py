"""What produced a report's episodes: each file named by its agent, and the teacher that scored."""

from __future__ import annotations

import json

from protege.records import Episode, Step, read_episodes, write_episodes
from protege.view import build_report_data
from protege.view.labels import agent_label, short_path, source_labels


def played(policy: str | None, **metadata: object) -> Episode:
    return Episode(
        env_id="protege/Household-v1",
        task_id="t0",
        task_type="look_at_obj",
        goal="look",
        policy=policy,
        metadata=dict(metadata),
    )


# ------------------------------------------------------------------- source labels


def test_files_all_named_episodes_jsonl_are_named_by_their_agents():
    paths = ["runs/expert/episodes.jsonl", "runs/tiny/episodes.jsonl"]
    episodes = [[played("expert")], [played("hf:/root/.cache/protege/models/tiny-llama")]]
    assert source_labels(paths, episodes) == ["expert", "hf:tiny-llama"]


def test_adapters_tell_apart_agents_on_one_base_model():
    base = "hf:/models/SmolLM2-135M-Instruct"
    opd = played(base, adapter="runs/opd/final")
    sod = played(base, adapter="runs/sod/checkpoint-200")
    assert agent_label(opd) == "hf:SmolLM2-135M-Instruct + opd/final"
    assert agent_label(sod) == "hf:SmolLM2-135M-Instruct + sod/checkpoint-200"
    paths = ["eval/episodes.jsonl", "eval2/episodes.jsonl"]
    assert source_labels(paths, [[opd], [sod]]) == [agent_label(opd), agent_label(sod)]


def test_one_agent_in_several_runs_is_told_apart_by_the_shortest_distinct_end_of_its_path():
    paths = [
        "runs/opd/samples/update_000010.jsonl",
        "runs/sod/samples/update_000010.jsonl",
        "runs/opd/samples/update_000020.jsonl",
    ]
    labels = source_labels(paths, [[played("student")]] * 3)
    assert labels == [
        "student · opd/samples/update_000010.jsonl",
        "student · sod/samples/update_000010.jsonl",
        "student · update_000020.jsonl",
    ]


def test_files_without_a_policy_fall_back_to_their_path_and_repeats_are_numbered():
    paths = ["a/episodes.jsonl", "b/episodes.jsonl", "b/episodes.jsonl"]
    labels = source_labels(paths, [[played(None)], [played(None)], [played(None)]])
    assert labels == ["a/episodes.jsonl", "b/episodes.jsonl", "b/episodes.jsonl (2)"]


def test_a_file_of_many_agents_names_the_first_two_and_counts_the_rest():
    episodes = [[played("expert"), played("random"), played("openai:gpt"), played("expert")]]
    assert source_labels(["mixed.jsonl"], episodes) == ["expert + random + 1 more"]


def test_short_path_keeps_the_parent_of_a_folder_name_every_run_has():
    assert short_path("/root/.cache/protege/models/tiny-llama-h64-l2-s0") == "tiny-llama-h64-l2-s0"
    assert short_path("runs/opd/final/") == "opd/final"
    assert short_path("runs/opd/checkpoints/update_000120") == "checkpoints/update_000120"


# ------------------------------------------------------------------- the teacher


def test_distill_score_records_the_teacher_and_the_report_names_it(tokenizer_path, tmp_path):
    from protege.agents.policies.hf import resolve_model_path
    from protege.distill.scoring import score_episode_file

    step = Step(
        observation="o",
        action="look",
        action_token_ids=[42, 43],
        action_logprobs=[-1.0, -2.0],
        prompt_token_ids=[1, 2, 3],
    )
    source, out = tmp_path / "episodes.jsonl", tmp_path / "scored.jsonl"
    write_episodes(source, [played("hf:student")])
    unscored = played("hf:student").model_copy(update={"steps": [step]})
    write_episodes(source, [unscored])
    score_episode_file(str(source), "tiny", str(out), device="cpu")
    no_steps, scored = read_episodes(out)
    assert no_steps.teacher is None  # nothing of it was scored
    assert scored.teacher == str(resolve_model_path("tiny"))
    assert scored.steps[0].teacher_logprobs is not None
    # only a scored episode's line has the key, so older readers still load unscored files
    unscored_line, scored_line = out.read_text().splitlines()
    assert "teacher" not in json.loads(unscored_line)
    assert json.loads(scored_line)["teacher"] == scored.teacher

    # an episode scored before the teacher was recorded: the page says so, it does not guess
    older = json.loads(scored.model_dump_json(exclude={"teacher"}))
    assert "teacher" not in older
    data = build_report_data([scored, Episode.model_validate(older), no_steps])
    assert data["teachers"] == [scored.teacher]
    assert data["unrecorded_teacher"] == 1
    assert [e["teacher_path"] for e in data["episodes"]] == [scored.teacher, None, None]
