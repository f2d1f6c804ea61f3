"""The viewer's data and page: the teacher's numbers, escaping, structure and self-containment."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protege.records import Episode, Step, write_episodes
from protege.view import build_report_data, render_html, write_report
from protege.view.report import embed_json
from protege.view.signals import DEFAULT_DELTA, DEFAULT_EPS, episode_signals
from protege.view.synthetic import synthetic_episodes
from protege.view.tokens import TokenizerLoadWarning, decode_vocabularies


def scored_step(student: list[float], teacher: list[float], action: str = "look") -> Step:
    return Step(
        observation="You see a room.",
        action=action,
        action_token_ids=list(range(10, 10 + len(student))),
        action_logprobs=student,
        teacher_logprobs=teacher,
    )


def episode_of(*steps: Step, **fields) -> Episode:
    base = dict(env_id="protege/Household-v1", task_id="t0", task_type="look_at_obj", goal="look")
    base.update(fields)
    return Episode(steps=list(steps), **base)


# ------------------------------------------------------------------- the teacher's numbers


def test_step_divergence_weight_and_reverse_kl_match_hand_computed_numbers():
    # step 1: |(-1)-(-1.5)| = 0.5, |(-2)-(-2.5)| = 0.5  -> d1 = 0.5, rev KL = 0.5
    # step 2: no tokens scored -> skipped (no signal)
    # step 3: (-1)-(-3) = 2, (-2)-(-1) = -1 -> d = 1.5, rev KL = 0.5,
    #         w = (0.5 + 1e-6) / (1.5 + 1e-6) = 0.333333...
    # step 4: |(-1)-(-1.1)| = 0.1 -> d = 0.1, w = min(0.5/0.1, 1.2) = 1.2
    episode = episode_of(
        scored_step([-1.0, -2.0], [-1.5, -2.5]),
        Step(observation="o", action="look"),
        scored_step([-1.0, -2.0], [-3.0, -1.0]),
        scored_step([-1.0], [-1.1]),
    )
    (signals,) = episode_signals([episode])
    assert sorted(signals) == [0, 2, 3]
    assert signals[0].token_divergences == pytest.approx([0.5, 0.5])
    assert signals[0].divergence == pytest.approx(0.5)
    assert signals[0].weight == pytest.approx(1.0)
    assert signals[2].token_divergences == pytest.approx([2.0, -1.0])
    assert signals[2].divergence == pytest.approx(1.5)
    assert signals[2].reverse_kl == pytest.approx(0.5)
    assert signals[2].weight == pytest.approx((0.5 + 1e-6) / (1.5 + 1e-6))
    assert signals[3].divergence == pytest.approx(0.1)
    assert signals[3].weight == pytest.approx(1.2)


def test_teacher_equal_to_student_gives_zero_divergence_and_unit_weights():
    episode = episode_of(scored_step([-0.5, -1.0], [-0.5, -1.0]), scored_step([-2.0], [-2.0]))
    (signals,) = episode_signals([episode])
    assert [s.divergence for s in signals.values()] == [0.0, 0.0]
    assert [s.weight for s in signals.values()] == [1.0, 1.0]
    assert [s.reverse_kl for s in signals.values()] == [0.0, 0.0]


def test_episodes_in_one_batch_are_independent():
    short = episode_of(scored_step([-1.0], [-2.0]))
    long = episode_of(
        scored_step([-1.0, -1.0, -1.0], [-1.2, -1.2, -1.2]), scored_step([-1.0], [-5.0])
    )
    together = episode_signals([short, long])
    alone = [episode_signals([short])[0], episode_signals([long])[0]]
    for joint, single in zip(together, alone, strict=True):
        assert {k: v.weight for k, v in joint.items()} == {k: v.weight for k, v in single.items()}
        assert {k: v.divergence for k, v in joint.items()} == {
            k: v.divergence for k, v in single.items()
        }


def test_defaults_are_sods():
    from protege.distill.methods.sod import SODConfig

    assert (SODConfig().eps, SODConfig().delta) == (DEFAULT_EPS, DEFAULT_DELTA)


def test_unscored_report_never_imports_torch(tmp_path):
    script = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("torch", "transformers"):
            raise ImportError(name + " imported for an unscored report")
sys.meta_path.insert(0, Block())
from protege.records import Episode, Step
from protege.view import write_report
step = Step(observation="o", action="a")
ep = Episode(env_id="e", task_id="t", task_type="x", goal="g", steps=[step])
write_report([ep], {str(tmp_path / "r.html")!r})
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


# ------------------------------------------------------------------- escaping


def test_embedded_json_cannot_close_the_script_element():
    nasty = {"o": "</script><script>alert(1)</script><!-- & \u2028 \u2029 >"}
    text = embed_json(nasty)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == nasty


class Structure(HTMLParser):
    """Collects tags, attributes and script elements of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def parse(page: str) -> Structure:
    parser = Structure()
    parser.feed(page)
    parser.close()
    return parser


def test_page_is_self_contained_and_well_formed(tmp_path):
    episodes = synthetic_episodes(12, steps=4, tokens=5)
    episodes[0].steps[0].observation = '</script><img src="https://evil.example/x.png"> <!--'
    episodes[1].goal = "</SCRIPT ><style>body{}</style>"
    path = write_report(episodes, tmp_path / "report.html", title="t <b>&</b>")
    page = path.read_text(encoding="utf-8")
    structure = parse(page)
    tags = [tag for tag, _ in structure.tags]
    assert tags[:2] == ["html", "head"]
    assert tags.count("script") == 2 + 12 and tags.count("style") == 1 and "img" not in tags
    assert {"link", "iframe", "object", "embed", "base"}.isdisjoint(tags)
    for _, attrs in structure.tags:
        assert "src" not in attrs and "href" not in attrs
    (data_attrs, data_text), *details, (code_attrs, code_text) = structure.scripts
    assert data_attrs == {"type": "application/json", "id": "report-data"}
    assert code_attrs == {} and "JSON.parse" in code_text
    assert [attrs for attrs, _ in details] == [
        {"type": "application/json", "data-episode": str(i)} for i in range(12)
    ]
    data = json.loads(data_text)
    assert len(data["episodes"]) == 12 and "steps" not in data["episodes"][0]
    assert data["episodes"][1]["goal"] == episodes[1].goal
    first = json.loads(details[0][1])
    assert first["steps"][0]["o"] == episodes[0].steps[0].observation
    assert len(first["steps"]) == 4 and first["meta"] == episodes[0].metadata
    # no URL anywhere outside the (escaped) data: styles, script and markup are inline
    outside = page
    for _, text in [(None, data_text), *details]:
        outside = outside.replace(text, "")
    for marker in ("http:", "https:", "//cdn", "url(", "@import"):
        assert marker not in outside
    assert "<title>t &lt;b&gt;&amp;&lt;/b&gt;</title>" in page


def test_report_data_carries_steps_scores_and_outcomes():
    episodes = synthetic_episodes(3, steps=3, tokens=4)
    data = build_report_data(episodes, title="x", source="a.jsonl")
    assert [e["won"] for e in data["episodes"]] == [e.won for e in episodes]
    step = data["episodes"][0]["steps"][1]
    original = episodes[0].steps[1]
    assert step["ids"] == original.action_token_ids
    assert step["lp"] == pytest.approx(original.action_logprobs, abs=5.1e-5)  # 4 decimals
    assert step["tlp"] == pytest.approx(original.teacher_logprobs, abs=5.1e-5)
    expected_d = sum(
        abs(s - t) for s, t in zip(original.action_logprobs, original.teacher_logprobs, strict=True)
    ) / len(original.action_logprobs)
    assert step["d"] == pytest.approx(expected_d, abs=1e-4)
    assert [data["strings"][i] for i in step["adm"]] == original.admissible_actions
    assert data["vocabularies"] == {} and data["episodes"][0]["vocab"] is None
    assert math.isfinite(data["episodes"][0]["div"])
    assert "<!DOCTYPE html>" in render_html(data)


# ------------------------------------------------------------------- token text


def test_tokens_are_decoded_with_the_given_tokenizer(tokenizer_path):
    from transformers import AutoTokenizer

    ids = AutoTokenizer.from_pretrained(tokenizer_path)("go to fridge 1")["input_ids"]
    step = Step(observation="o", action="go to fridge 1", action_token_ids=ids)
    vocabularies, keys = decode_vocabularies([episode_of(step)], tokenizer_path)
    assert keys == [str(tokenizer_path)]
    assert "".join(vocabularies[keys[0]][str(i)] for i in ids) == "go to fridge 1"


def test_tokenizer_comes_from_episode_metadata_and_falls_back_to_ids(tokenizer_path, tmp_path):
    step = Step(observation="o", action="a", action_token_ids=[100, 200])
    from_metadata = episode_of(step, metadata={"model": str(tokenizer_path)})
    missing = episode_of(step, metadata={"model": str(tmp_path / "no-such-model")})
    unknown = episode_of(step)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vocabularies, keys = decode_vocabularies([from_metadata, missing, unknown])
    assert keys == [str(tokenizer_path), None, None]
    assert set(vocabularies[str(tokenizer_path)]) == {"100", "200"}
    assert [w.category for w in caught] == [TokenizerLoadWarning]
    assert "no-such-model" in str(caught[0].message)


# ------------------------------------------------------------------- the command


def test_view_command_writes_a_report(tmp_path):
    from protege.cli import app

    source = tmp_path / "episodes.jsonl"
    write_episodes(source, synthetic_episodes(5, steps=2, tokens=3))
    out = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(app, ["view", str(source), "--out", str(out), "--limit", "4"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (4 episodes" in result.output
    data_text = parse(out.read_text(encoding="utf-8")).scripts[0][1]
    assert len(json.loads(data_text)["episodes"]) == 4


def test_view_command_defaults_to_the_input_name(tmp_path):
    from protege.cli import app

    source = tmp_path / "run.jsonl"
    write_episodes(source, synthetic_episodes(1, steps=1, tokens=1))
    result = CliRunner().invoke(app, ["view", str(source)])
    assert result.exit_code == 0, result.output
    assert Path(tmp_path / "run.html").is_file()


def test_view_command_labels_each_file_by_its_agent_not_its_name(tmp_path):
    from protege.cli import app

    expert, student = tmp_path / "expert" / "episodes.jsonl", tmp_path / "tiny" / "episodes.jsonl"
    write_episodes(expert, [episode_of(policy="expert")] * 2)
    played = episode_of(policy="hf:/cache/models/tiny-llama", metadata={"model": "/nowhere"})
    write_episodes(student, [played] * 3)
    out = tmp_path / "both.html"
    result = CliRunner().invoke(app, ["view", str(expert), str(student), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(parse(out.read_text(encoding="utf-8")).scripts[0][1])
    assert [e["source"] for e in data["episodes"]] == ["expert"] * 2 + ["hf:tiny-llama"] * 3
    assert [e["policy"] for e in data["episodes"]] == ["expert"] * 2 + ["hf:tiny-llama"] * 3
    assert data["source"] == f"{expert}, {student}"


def test_infinite_log_probabilities_become_null_rather_than_invalid_json(tmp_path):
    episode = episode_of(scored_step([-1.0, -2.0], [-1.5, -math.inf]))
    data = build_report_data([episode])
    step = data["episodes"][0]["steps"][0]
    assert step["tlp"] == [-1.5, None]
    assert step["d"] is None and step["w"] is None  # d = mean(0.5, inf) is not finite
    scripts = parse(render_html(data)).scripts[:-1]  # the JSON elements

    def reject(constant):
        raise AssertionError(f"{constant} in the embedded JSON")

    for _, text in scripts:
        json.loads(text, parse_constant=reject)
