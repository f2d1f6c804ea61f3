"""Memory of one process holding many ``protege/Shop-v1`` environments.

A fresh subprocess imports protege, makes ``--envs`` environments with ``gymnasium.make``,
plays each for a few steps (searches, result and item pages, the expert buying) and reports
its resident set size (``VmRSS``) and peak (``VmHWM``) from ``/proc/self/status`` after the
import and after the environments. Every environment shares one catalogue and one on-disk
search index, so the per-environment cost is small.

    python benchmarks/shop_memory.py --envs 64 --out benchmarks/results/shop_memory.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, sys

def rss_mb():
    fields = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        fields[key] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024

import gymnasium as gym
import protege  # noqa: F401

after_import = rss_mb()[0]
n_envs = int(sys.argv[1])
envs = [gym.make("protege/Shop-v1", split="train") for _ in range(n_envs)]
won = 0
for seed, env in enumerate(envs):
    env.reset(seed=seed)
    shop = env.unwrapped
    env.step(f"search[{shop.current_goal.query}]")
    env.step("click[next >]")
    while True:
        _, _, terminated, truncated, info = env.step(shop.expert_action())
        if terminated or truncated:
            break
    won += info["won"]
    env.reset(seed=seed + 1000)  # keep every env live, mid-episode
rss, peak = rss_mb()
print(json.dumps({"envs": n_envs, "won": won, "rss_after_import_mb": after_import,
                  "rss_mb": rss, "peak_rss_mb": peak}))
"""


def measure(n_envs: int) -> dict:
    """Run the child process and return its report."""
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(n_envs)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    """Parse arguments, measure, print and optionally write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, default=64, help="environments in the process")
    parser.add_argument("--out", type=Path, default=None, help="write the result as JSON here")
    args = parser.parse_args(argv)
    result = measure(args.envs)
    print(
        f"{result['envs']} Shop envs in one process: RSS {result['rss_mb']:.0f} MB "
        f"(peak {result['peak_rss_mb']:.0f} MB; {result['rss_after_import_mb']:.0f} MB after "
        f"`import protege`); expert won {result['won']}/{result['envs']}"
    )
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
