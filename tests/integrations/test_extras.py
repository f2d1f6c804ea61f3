"""Without its extra installed, each integration fails with one line naming the extra."""

from __future__ import annotations

import subprocess
import sys

from protege.records import Episode, Step, write_episodes

EXPORT_WITHOUT_DATASETS = """
import sys
sys.modules["datasets"] = None  # import datasets now raises ImportError
from protege.cli import main
sys.argv = ["protege", "export", sys.argv[1], "--out", sys.argv[2]]
main()
"""

IMPORT_VERIFIERS_INTEGRATION_WITHOUT_VERIFIERS = """
import sys
sys.modules["verifiers"] = sys.modules["verifiers.v1"] = None
try:
    import protege.integrations.verifiers
except ImportError as error:
    print(error)
"""


def test_export_without_datasets_is_a_one_line_install_hint(tmp_path):
    episodes = tmp_path / "e.jsonl"
    step = Step(observation="o", action="look")
    write_episodes(
        episodes, [Episode(env_id="x", task_id="t", task_type="y", goal="g", steps=[step])]
    )
    result = subprocess.run(
        [sys.executable, "-c", EXPORT_WITHOUT_DATASETS, str(episodes), str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "error: `datasets` is not installed for exporting episodes as Hugging Face datasets; "
        "run: pip install 'protege[datasets]'"
    ]


def test_the_verifiers_integration_without_verifiers_names_its_extra():
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_VERIFIERS_INTEGRATION_WITHOUT_VERIFIERS],
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == (
        "`verifiers.v1` is not installed for protege environments in verifiers; "
        "run: pip install 'protege[verifiers]'"
    )
