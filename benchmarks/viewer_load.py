"""How long a large `protege view` report takes to build and to open in headless Chromium.

Builds a report of synthetic scored episodes (default 2,000 episodes x 50 steps x 24 action
tokens, Household-shaped: ~20 admissible actions and a ReAct response per step), then loads it
in Debian's headless ``chromium`` a few times:

- ``list``: the page with its first 100 rows rendered (what a user sees first);
- ``detail``: the same with one 50-step episode opened from the URL (``#ep=0``);
- ``blank``: an empty page, the browser's own start-up cost, for reference.

For each it records the wall-clock of the whole ``chromium --dump-dom`` process and the page's
own timings (``performance.now()`` at first render, since navigation start; JSON.parse time;
detail render time). Writes JSON (``--out``) and prints it.

    python benchmarks/viewer_load.py [--episodes 2000 --steps 50 --tokens 24 --repeats 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from protege.view import build_report_data, render_html
from protege.view.synthetic import synthetic_episodes

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--dump-dom",
]


def load(
    chromium: str, url: str, profile: Path, report: bool = True
) -> tuple[float, dict[str, float]]:
    """Wall-clock seconds of one headless load and the page's ``data-*-ms`` timings."""
    started = time.perf_counter()
    result = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", url],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    wall = time.perf_counter() - started
    body = re.search(r"<body([^>]*)>", result.stdout)
    timings = {
        name: float(value)
        for name, value in re.findall(
            r'data-([a-z]+)-ms="([0-9.]+)"', body.group(1) if body else ""
        )
    }
    if report:
        assert 'data-ready="true"' in result.stdout, "the report did not finish rendering"
    return wall, timings


def summarise(runs: list[tuple[float, dict[str, float]]]) -> dict[str, float]:
    """Median wall-clock and page timings over the runs."""
    out = {"wall_s": round(statistics.median(wall for wall, _ in runs), 3)}
    for key in sorted({k for _, t in runs for k in t}):
        out[f"{key}_ms"] = round(statistics.median(t[key] for _, t in runs if key in t), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--tokens", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tokenizer", default=None, help="local tokenizer folder to decode ids")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "viewer_load.json"
    )
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("headless Chromium is missing; run: apt-get install -y chromium")

    work = Path(tempfile.mkdtemp(prefix="viewer-load-"))
    episodes = synthetic_episodes(args.episodes, args.steps, args.tokens)
    started = time.perf_counter()
    data = build_report_data(episodes, tokenizer=args.tokenizer, title="viewer load benchmark")
    page = work / "report.html"
    page.write_text(render_html(data), encoding="utf-8")
    build_s = time.perf_counter() - started
    blank = work / "blank.html"
    blank.write_text("<!DOCTYPE html><title>blank</title><p>blank</p>", encoding="utf-8")

    runs: dict[str, list[tuple[float, dict[str, float]]]] = {"blank": [], "list": [], "detail": []}
    for repeat in range(args.repeats):
        for name, url in (
            ("blank", blank.as_uri()),
            ("list", page.as_uri()),
            ("detail", page.as_uri() + "#ep=0"),
        ):
            profile = work / f"profile-{name}-{repeat}"
            runs[name].append(load(chromium, url, profile, report=name != "blank"))
    chromium_version = subprocess.run(
        [chromium, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    result = {
        "episodes": args.episodes,
        "steps_per_episode": args.steps,
        "tokens_per_step": args.tokens,
        "tokenizer": args.tokenizer,
        "html_bytes": page.stat().st_size,
        "build_s": round(build_s, 2),
        "repeats": args.repeats,
        "load": {name: summarise(value) for name, value in runs.items()},
        "chromium": chromium_version,
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
