import importlib
import sys
import textwrap
import warnings

import gymnasium as gym
import pytest

from protege.envs import PLUGIN_ERRORS, list_envs, load_plugins, register_env
from protege.errors import EnvAlreadyRegisteredError, UnknownSplitError, UnknownTaskTypeError
from tests.conftest import TEST_ENV_ID


def test_registering_a_taken_id_raises_and_names_the_owner():
    with pytest.raises(EnvAlreadyRegisteredError, match=r"already registered by protege tests"):
        register_env(TEST_ENV_ID, "tests.toy_env:CounterEnv")


def test_listing_shows_family_task_types_splits_and_provider():
    listing = {item.env_id: item for item in list_envs()}[TEST_ENV_ID]
    assert listing.family == "counter"
    assert listing.task_types == ("small", "large")
    assert listing.splits == ("train", "valid_seen", "valid_unseen")
    assert listing.provider == "protege tests"


def test_unknown_split_and_task_type_say_what_is_expected():
    with pytest.raises(UnknownSplitError, match=r"no split 'test'; expected one of train, "):
        gym.make(TEST_ENV_ID, split="test")
    with pytest.raises(
        UnknownTaskTypeError, match=r"no task type 'smal' \(did you mean 'small'\?\)"
    ):
        gym.make(TEST_ENV_ID, task_type="smal")


def test_options_task_id_picks_the_task_and_unknown_ids_are_refused():
    env = gym.make(TEST_ENV_ID, split="valid_seen")
    _, info = env.reset(seed=0, options={"task_id": "large-1003"})
    assert info["task_id"] == "large-1003" and info["task_type"] == "large"
    with pytest.raises(ValueError, match=r"task 'large-3' is not in split 'valid_seen'"):
        env.reset(options={"task_id": "large-3"})


def _fake_distribution(root, name: str, entry_points: str, module: str = "", code: str = ""):
    """Install a distribution the way pip lays it out: a dist-info folder and its module."""
    dist_info = root / f"{name}-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    if module:
        (root / f"{module}.py").write_text(textwrap.dedent(code))


def test_a_broken_plugin_is_reported_by_name_and_the_others_still_load(tmp_path, monkeypatch):
    _fake_distribution(
        tmp_path,
        "broken_plugin",
        "[protege.envs]\nbroken = broken_plugin_module:register\n",
        "broken_plugin_module",
        "raise RuntimeError('this plugin is broken on purpose')\n",
    )
    _fake_distribution(
        tmp_path,
        "working_plugin",
        "[protege.envs]\nprotege-test/Copy-v0 = working_plugin_module:CopyEnv\n",
        "working_plugin_module",
        """
        from tests.toy_env import CounterEnv

        class CopyEnv(CounterEnv):
            pass
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            errors = load_plugins()
        assert errors["broken"] == "RuntimeError: this plugin is broken on purpose"
        assert any("plugin 'broken' from broken_plugin failed" in str(w.message) for w in caught)
        env = gym.make("protege-test/Copy-v0")
        assert env.reset(seed=0)[1]["task_type"] in ("small", "large")
        listing = {item.env_id: item for item in list_envs()}["protege-test/Copy-v0"]
        assert listing.provider == "working_plugin"
    finally:
        PLUGIN_ERRORS.pop("broken", None)
        gym.registry.pop("protege-test/Copy-v0", None)
        sys.modules.pop("working_plugin_module", None)


@pytest.mark.filterwarnings("ignore:.*is out of date:DeprecationWarning")
@pytest.mark.parametrize("name", ["TextWorld", "ScienceWorld"])
def test_the_adapters_v0_ids_are_gone_and_gymnasium_names_v1(name):
    # -v1 moved their rewards to the [0, 1] scale of protege.envs.reward.
    assert f"protege/{name}-v1" in gym.registry and f"protege/{name}-v0" not in gym.registry
    with pytest.raises(gym.error.DeprecatedEnv) as error:
        gym.make(f"protege/{name}-v0")
    assert str(error.value) == (
        f"Environment version v0 for `protege/{name}` is deprecated. "
        f"Please use `protege/{name}-v1` instead."
    )
