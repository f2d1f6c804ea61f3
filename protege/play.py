"""Play an environment in the terminal, or watch its expert play."""

from __future__ import annotations

import time
from collections.abc import Callable

import gymnasium as gym
from rich.columns import Columns
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from protege.agents.scripted import ExpertAgent
from protege.cli_output import is_terminal
from protege.envs.registry import check_env_id

PLAY_HELP = """\
Type an action (any text) or the number of an admissible action.
  help      show this help
  actions   list the admissible actions again
  hint      show the expert's next action
  quit      leave the game
Start with '!' to send a word above to the game itself, e.g. '!help'."""


def play_interactively(
    env_id: str,
    *,
    split: str = "train",
    seed: int = 0,
    task_type: str | None = None,
    expert: bool = False,
    delay: float = 0.0,
    console: Console | None = None,
    read_line: Callable[[str], str] = input,
) -> dict:
    """Run one episode in the terminal; return the final ``info`` plus ``steps``.

    With ``expert`` the environment's expert chooses every action; otherwise ``read_line``
    (``input`` by default) does. End of input quits like ``quit``.
    """
    # Off a terminal (a pipe, a log) rich would wrap long lines at 80 columns: keep them whole.
    console = console or Console(soft_wrap=not is_terminal())
    check_env_id(env_id)
    env = gym.make(env_id, split=split, task_type=task_type)
    try:
        observation, info = env.reset(seed=seed)
        title = f"{env_id} · {split} · seed {seed}"
        if console.is_terminal:
            console.print(Panel(escape(info["goal"]), title=escape(title), expand=False))
        else:
            console.print(f"{title}\n{info['goal']}", markup=False, highlight=False)
        console.print(observation, markup=False, highlight=False)
        _print_actions(console, info["admissible_actions"])
        steps, done = 0, False
        while not done:
            if expert:
                action = ExpertAgent().act(env, observation, info)
                console.print(f"[bold cyan]> {escape(action)}[/bold cyan]")
                time.sleep(delay)
            else:
                action = _ask(console, env, observation, info, read_line)
                if action is None:
                    console.print("Bye.")
                    break
            observation, reward, terminated, truncated, info = env.step(action)
            steps += 1
            done = terminated or truncated
            console.print(observation, markup=False, highlight=False)
            console.print(
                f"[dim]reward {float(reward):g} · score {info['score']:.2f} · step {steps}[/dim]"
            )
            if not done and not expert:
                _print_actions(console, info["admissible_actions"])
        if done:
            verdict = "[green]won[/green]" if info["won"] else "[red]not won[/red]"
            ending = "ended" if terminated else "ran out of steps"
            console.print(f"Episode {ending}: {verdict}, score {info['score']:.2f}, {steps} steps.")
        return {**info, "steps": steps}
    finally:
        env.close()


def _ask(
    console: Console,
    env: gym.Env,
    observation: str,
    info: dict,
    read_line: Callable[[str], str],
) -> str | None:
    """Read until the player gives a game action; None means quit."""
    actions = info["admissible_actions"]
    while True:
        try:
            line = read_line("> ").strip()
        except (EOFError, KeyboardInterrupt):
            return None
        if line in ("quit", "exit"):
            return None
        if line == "help":
            console.print(PLAY_HELP)
        elif line == "actions":
            _print_actions(console, actions)
        elif line == "hint":
            hint = ExpertAgent().act(env, observation, info)
            console.print(f"The expert would do: {hint}", markup=False)
        elif line.isdigit() and actions:
            index = int(line) - 1
            if 0 <= index < len(actions):
                return actions[index]
            console.print(f"Pick a number from 1 to {len(actions)}.")
        elif line:
            return line[1:] if line.startswith("!") else line


def _print_actions(console: Console, actions: list[str]) -> None:
    if not actions:
        return
    width = len(str(len(actions)))
    entries = [
        f"[dim]{n:>{width}}.[/dim] {escape(action)}" for n, action in enumerate(actions, start=1)
    ]
    console.print("[dim]Actions:[/dim]")
    # Long lists (a kitchen has 30 receptacles) read better in columns, on a terminal.
    if len(entries) > 12 and console.is_terminal:
        console.print(Columns(entries, padding=(0, 3), column_first=True), highlight=False)
    else:
        for entry in entries:
            console.print(f"  {entry}", highlight=False)
