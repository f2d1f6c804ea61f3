"""Dependencies point one way: environments never import a model library (STYLE.md §9.1)."""

import subprocess
import sys

IMPORT_EVERY_FAMILY_WITH_MODEL_LIBRARIES_BLOCKED = """
import importlib.abc
import sys

BLOCKED = ("torch", "transformers", "vllm", "ray", "peft")


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} imported while loading environments")
        return None


sys.meta_path.insert(0, Block())
import protege
import protege.agents
import protege.records
from protege.envs import env_class
from protege.envs.registry import BUILTIN_ENVS

for env_id in BUILTIN_ENVS:
    env_class(env_id)
print("ok", len(BUILTIN_ENVS))
"""


def test_environments_and_records_import_without_model_libraries():
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_FAMILY_WITH_MODEL_LIBRARIES_BLOCKED],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("ok")
