"""A sample protege environment plugin."""

from protege.envs import register_env


def register() -> None:
    """Register this package's environments with protege (called through the entry point)."""
    register_env(
        "example/Lights-v0",
        "protege_plugin_example.lights:LightsEnv",
        provider="protege-plugin-example",
    )
