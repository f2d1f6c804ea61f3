"""``protege bench``: rows, targets, skipped parts and the bench.json it writes."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protege.bench import PARTS, Target, UnknownBenchPartError, measured_row, parse_parts
from protege.cli import app
from tests.sandbox.conftest import require_docker

runner = CliRunner()

ROW_KEYS = {
    "part",
    "benchmark",
    "status",
    "unit",
    "value",
    "anchor_name",
    "anchor",
    "ratio",
    "target",
    "passed",
}


def run_bench(tmp_path: Path, parts: str) -> dict:
    output = tmp_path / "bench.json"
    result = runner.invoke(app, ["bench", "--quick", "--parts", parts, "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("part\tbenchmark\tvalue\tanchor\tratio\ttarget\tresult\n")
    return json.loads(output.read_text())


def check_measured_rows(report: dict, parts: list[str]) -> None:
    assert report["quick"] is True
    assert report["parts"] == parts
    machine = report["machine"]
    assert machine["cpu_count"] >= 1
    assert machine["torch"]
    assert machine["date"].startswith("20")
    assert {row["part"] for row in report["rows"]} == set(parts)
    for row in report["rows"]:
        assert set(row) == ROW_KEYS
        assert row["status"] == "ok", row
        value, anchor, ratio = row["value"], row["anchor"], row["ratio"]
        for number in (value, anchor, ratio):
            assert math.isfinite(number) and number > 0, row
        assert ratio == pytest.approx(value / anchor, rel=1e-9)
        assert row["passed"] in (True, False, None)
        assert (row["passed"] is None) == (row["target"] is None)


@pytest.mark.slow
def test_quick_bench_of_the_cheap_parts_writes_ratios_of_the_measured_values(tmp_path):
    report = run_bench(tmp_path, "scoring,household")
    check_measured_rows(report, ["household", "scoring"])
    household = report["rows"][0]
    assert household["anchor_name"] == "textworld-cooking"
    assert household["target"] == "ratio ≥ 50x"
    assert report["details"]["scoring"]["max_logprob_gap"] < 1e-4


@pytest.mark.docker
@pytest.mark.slow
def test_quick_bench_of_the_docker_sandbox(tmp_path):
    require_docker()
    report = run_bench(tmp_path, "sandbox")
    check_measured_rows(report, ["sandbox"])
    assert [row["target"] for row in report["rows"]] == ["value ≤ 50 ms", "value ≤ 20 ms"]


def test_a_part_with_a_missing_dependency_is_a_skipped_row(tmp_path, monkeypatch):
    def engine_down() -> str:
        return "cannot reach the Docker engine"

    monkeypatch.setitem(
        PARTS, "sandbox", dataclasses.replace(PARTS["sandbox"], problem=engine_down)
    )
    report = run_bench(tmp_path, "sandbox")
    [row] = report["rows"]
    assert row["status"] == "skipped: cannot reach the Docker engine"
    assert row["value"] is None and row["ratio"] is None and row["passed"] is None


def test_a_failing_part_is_an_error_row_and_exit_code_1(tmp_path, monkeypatch):
    def broken(sizes):
        raise RuntimeError("engine crashed\nsecond line")

    monkeypatch.setitem(PARTS, "scoring", dataclasses.replace(PARTS["scoring"], measure=broken))
    output = tmp_path / "bench.json"
    result = runner.invoke(app, ["bench", "--quick", "--parts", "scoring", "--output", str(output)])
    assert result.exit_code == 1, result.output
    [row] = json.loads(output.read_text())["rows"]
    assert row["status"] == "error: RuntimeError: engine crashed"


def test_ratio_is_value_over_anchor_and_targets_check_the_right_number():
    # 300 steps/s against 2 steps/s: ratio 150, which meets "ratio ≥ 100x"
    row = measured_row("p", "b", "steps/s", 300.0, "anchor", 2.0, Target("ratio", ">=", 100, "x"))
    assert (row.ratio, row.passed, row.target) == (150.0, True, "ratio ≥ 100x")
    # 60 ms against 1,000 ms: ratio 0.06, but the target bounds the value, 60 > 50
    row = measured_row("p", "b", "ms", 60.0, "anchor", 1000.0, Target("value", "<=", 50, " ms"))
    assert (row.ratio, row.passed) == (0.06, False)
    assert measured_row("p", "b", "s", 1.0, "anchor", 4.0).passed is None


def test_parts_are_checked_and_run_in_table_order():
    assert parse_parts("scoring, household") == ["household", "scoring"]
    assert parse_parts("all") == list(PARTS)
    with pytest.raises(UnknownBenchPartError) as error:
        parse_parts("househld")
    assert str(error.value) == (
        "unknown benchmark part 'househld'. Did you mean 'household'? "
        "Choose from: household, science, sandbox, rollout, scoring, vllm-loop"
    )


def test_an_unknown_part_exits_with_code_2(tmp_path):
    result = runner.invoke(app, ["bench", "--parts", "nope", "--output", str(tmp_path / "b.json")])
    assert result.exit_code == 2
    assert "unknown benchmark part 'nope'" in result.output


def test_json_puts_only_the_results_on_stdout(tmp_path, monkeypatch):
    monkeypatch.setitem(
        PARTS, "sandbox", dataclasses.replace(PARTS["sandbox"], problem=lambda: "no engine")
    )
    output = tmp_path / "bench.json"
    args = ["bench", "--quick", "--parts", "sandbox", "--json", "--output", str(output)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == json.loads(output.read_text())
    assert set(printed) == {"machine", "quick", "parts", "sizes", "rows", "details"}
    assert [row["status"] for row in printed["rows"]] == ["skipped: no engine"]
    assert result.stderr == f"wrote {output}\n"
