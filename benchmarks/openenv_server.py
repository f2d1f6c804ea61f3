"""OpenEnv server overhead: Household steps/s in-process and through `protege serve`.

Three rows in the same run: the environment stepped in this process; one OpenEnv client
(``ProtegeEnvClient``) against a local ``protege serve --max-sessions 16`` subprocess; and 16
async clients stepping at once against the same server. Every session steps uniformly random
admissible actions from a fixed seed and resets when an episode ends; only steps are timed.
The overhead per step is a client's mean step latency minus the in-process step time.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/openenv_server.py \\
        --out benchmarks/results/openenv_server.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import time
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

import protege  # noqa: F401  registers the environments
from protege.integrations.openenv import ProtegeEnvClient, served

ENV_ID = "protege/Household-v1"


def in_process(steps: int, seed: int) -> float:
    """Seconds spent in ``steps`` calls of ``env.step`` (resets not counted)."""
    env = gym.make(ENV_ID)
    rng = np.random.default_rng(seed)
    _, info = env.reset(seed=seed)
    elapsed = 0.0
    for step in range(1, steps + 1):
        action = str(rng.choice(info["admissible_actions"]))
        start = time.perf_counter()
        _, _, terminated, truncated, info = env.step(action)
        elapsed += time.perf_counter() - start
        if terminated or truncated:
            _, info = env.reset(seed=seed + step)
    return elapsed


async def one_session(url: str, steps: int, seed: int) -> float:
    """Seconds one async client spends in ``steps`` steps (resets not counted)."""
    rng = np.random.default_rng(seed)
    async with ProtegeEnvClient(base_url=url) as client:
        result = await client.reset(seed=seed)
        elapsed = 0.0
        for step in range(1, steps + 1):
            action = str(rng.choice(result.observation.admissible_actions))
            start = time.perf_counter()
            result = await client.step(action)
            elapsed += time.perf_counter() - start
            if result.done:
                result = await client.reset(seed=seed + step)
    return elapsed


async def sessions(url: str, clients: int, steps: int, seed: int) -> float:
    """Mean seconds one of ``clients`` sessions, started together, spent in ``steps`` steps."""
    stepping = await asyncio.gather(
        *(one_session(url, steps, seed + 1_000 * index) for index in range(clients))
    )
    return sum(stepping) / clients


def row(name: str, clients: int, steps: int, seconds: float) -> dict[str, Any]:
    """One table row from one session's ``steps`` steps in ``seconds``: a client's ms per step,
    and steps/s over all ``clients`` (each stepping all the time; in-process is 1)."""
    return {
        "row": name,
        "clients": clients,
        "steps": steps * max(clients, 1),
        "steps_per_s": max(clients, 1) * steps / seconds,
        "ms_per_step": 1_000 * seconds / steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=5000, help="In-process and 1-client steps.")
    parser.add_argument("--clients", type=int, default=16, help="Concurrent clients.")
    parser.add_argument("--steps-per-client", type=int, default=500, help="With --clients.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="Write the results as JSON.")
    args = parser.parse_args()

    rows = [row("in-process", 0, args.steps, in_process(args.steps, args.seed))]
    with served(ENV_ID, "--max-sessions", str(max(args.clients, 1))) as url:
        seconds = asyncio.run(sessions(url, 1, args.steps, args.seed))
        rows.append(row("server, 1 client", 1, args.steps, seconds))
        seconds = asyncio.run(sessions(url, args.clients, args.steps_per_client, args.seed))
        name = f"server, {args.clients} clients"
        rows.append(row(name, args.clients, args.steps_per_client, seconds))
    baseline_ms = rows[0]["ms_per_step"]
    for result in rows:
        result["overhead_ms_per_step"] = result["ms_per_step"] - baseline_ms

    print(f"| {'row':<20} | {'steps':>6} | {'steps/s':>8} | {'ms/step':>8} | {'overhead ms':>11} |")
    print(f"| {'-' * 20} | {'-' * 5}:| {'-' * 7}:| {'-' * 7}:| {'-' * 10}:|")
    for result in rows:
        print(
            f"| {result['row']:<20} | {result['steps']:>6} | {result['steps_per_s']:>8,.0f} "
            f"| {result['ms_per_step']:>8.2f} | {result['overhead_ms_per_step']:>11.2f} |"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        sizes = {key: value for key, value in vars(args).items() if key != "out"}
        meta = {"machine": platform.platform(), "python": platform.python_version(), **sizes}
        args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
