"""The report in headless Chromium: it loads, lists episodes, filters from the URL, opens an
episode with coloured tokens and a chart, keeps untrusted text inert, and takes a screenshot.

Skipped where Debian's ``chromium`` is missing; CI sets PROTEGE_REQUIRE_BROWSER=1 to make a
missing browser a failure.
"""

from __future__ import annotations

import math
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from protege.view import write_report
from protege.view.synthetic import synthetic_episodes

pytestmark = pytest.mark.slow

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def run_chromium(chromium: str, tmp_path: Path, url: str, *extra: str) -> str:
    """Load ``url`` in a fresh profile; returns stdout (the DOM, with ``--dump-dom``)."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    result = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def dump_dom(chromium: str, tmp_path: Path, page: Path, fragment: str = "", *extra: str) -> str:
    dom = run_chromium(chromium, tmp_path, page.as_uri() + fragment, "--dump-dom", *extra)
    assert 'data-ready="true"' in dom, dom[-2000:]
    return dom


class DomRows(HTMLParser):
    """Episode rows, table cells, step cards, token spans and elements by id in a dumped DOM."""

    def __init__(self, dom: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[int] = []
        self.cells: list[tuple[str, str]] = []
        """``(th or td, its text)`` of the episode table, in order."""
        self.steps = 0
        self.tokens: list[dict[str, str | None]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._closed = True
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("th", "td"):
            self.cells.append((tag, ""))
            self._closed = False
        if tag == "tr" and "data-episode" in attributes:
            self.rows.append(int(attributes["data-episode"] or -1))
        if tag == "article" and attributes.get("class") == "step":
            self.steps += 1
        if tag == "span" and (attributes.get("class") or "").startswith("tok"):
            self.tokens.append(attributes)

    def handle_data(self, data):
        if self.cells and not self._closed:
            tag, text = self.cells[-1]
            self.cells[-1] = (tag, text + data)

    def handle_endtag(self, tag):
        self._closed = tag in ("th", "td", "tr")


@pytest.fixture(scope="module")
def episodes():
    return synthetic_episodes(250, steps=6, tokens=5)


@pytest.fixture(scope="module")
def report(episodes, tmp_path_factory) -> Path:
    return write_report(episodes, tmp_path_factory.mktemp("view") / "report.html")


def test_page_loads_and_lists_the_first_page_of_episodes(chromium, report, tmp_path):
    dom = dump_dom(chromium, tmp_path, report)
    assert DomRows(dom).rows == list(range(100))
    assert "250 of 250 episodes (1–100)" in dom
    assert "page 1 / 3" in dom


def test_url_fragment_filters_the_list_on_load(chromium, report, episodes, tmp_path):
    dom = dump_dom(chromium, tmp_path, report, "#outcome=won&task_type=look_at_obj")
    expected = [i for i, e in enumerate(episodes) if e.won and e.task_type == "look_at_obj"]
    assert 0 < len(expected) < 100
    assert DomRows(dom).rows == expected
    assert f"{len(expected)} of 250 episodes" in dom


def test_query_string_filters_and_pages(chromium, report, episodes, tmp_path):
    dom = dump_dom(chromium, tmp_path, report, "?split=valid_seen&outcome=lost&page=1")
    expected = [i for i, e in enumerate(episodes) if e.split == "valid_seen" and not e.won]
    assert DomRows(dom).rows == expected
    dom = dump_dom(chromium, tmp_path, report, "#page=3")
    assert DomRows(dom).rows == list(range(200, 250))


def test_episode_detail_colours_tokens_and_keeps_untrusted_text_inert(
    chromium, tokenizer_path, tmp_path
):
    episodes = synthetic_episodes(3, steps=4, tokens=6)
    episodes[1].steps[
        0
    ].observation = (
        "</script><img id=pwned src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
    )
    episodes[1].goal = "<b id=bold>goal</b> & more"
    page = write_report(episodes, tmp_path / "detail.html", tokenizer=tokenizer_path)
    dom = dump_dom(chromium, tmp_path, page, "#ep=1")
    parsed = DomRows(dom)
    assert parsed.steps == 4
    assert len(parsed.tokens) == 4 * 6
    first = parsed.tokens[0]
    assert first["class"] == "tok"  # decoded text, not an id
    assert "teacher log p" in (first["title"] or "") and "student − teacher" in first["title"]
    step = episodes[1].steps[0]
    assert float(first["data-div"]) == pytest.approx(
        round(step.action_logprobs[0], 4) - round(step.teacher_logprobs[0], 4), abs=1e-4
    )
    assert "background: rgba(" in (first["style"] or "")
    tags = [tag for tag, _ in parsed.tags]
    assert "svg" in tags and "polyline" in tags
    assert "img" not in tags and 'data-pwned="1"' not in dom
    assert all(attrs.get("id") not in {"pwned", "bold"} for _, attrs in parsed.tags)
    assert "&lt;b id=bold&gt;goal&lt;/b&gt; &amp; more" in dom
    assert "SOD w = 1.000" in dom  # the first scored step's weight


def test_screenshot_is_written(chromium, report, tmp_path):
    shot = tmp_path / "report.png"
    run_chromium(
        chromium,
        tmp_path,
        report.as_uri() + "#outcome=won&ep=0",
        f"--screenshot={shot}",
        "--window-size=1280,900",
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


def test_several_sources_get_a_source_filter(chromium, tmp_path):
    episodes = synthetic_episodes(6, steps=1, tokens=2)
    sources = ["student · update_000010.jsonl"] * 2 + ["student · update_000020.jsonl"] * 4
    page = write_report(episodes, tmp_path / "history.html", sources=sources)
    dom = dump_dom(chromium, tmp_path, page, "#source=student%20·%20update_000020.jsonl")
    assert DomRows(dom).rows == [2, 3, 4, 5]
    assert '<label id="source-filter">' in dom  # shown, not hidden


# the page checks its own layout once loaded: the names of the list's headers that are cut
LAYOUT_PROBE = """<script>
window.addEventListener("load", () => {
  const cut = [...document.querySelectorAll("#episodes th")]
    .filter((th) => th.scrollWidth > th.clientWidth).map((th) => th.textContent);
  document.body.setAttribute("data-cut-headers", cut.join("|") || "none");
});
</script></body>"""


def test_episode_list_shows_task_id_seed_and_policy_under_uncut_headers(chromium, tmp_path):
    episodes = synthetic_episodes(3, steps=1, tokens=2)
    episodes[1].policy = "hf:/models/a-long-model-folder-name-for-the-student"
    page = write_report(episodes, tmp_path / "list.html")
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", LAYOUT_PROBE))
    for size in ("1280,900", "800,600"):
        dom = dump_dom(chromium, tmp_path, probed, "", f"--window-size={size}")
        assert 'data-cut-headers="none"' in dom, size
    parsed = DomRows(dom)
    headers = [text for tag, text in parsed.cells if tag == "th"]
    assert headers[:4] == ["#", "task id", "seed", "policy"]
    first_row = [text for tag, text in parsed.cells if tag == "td"][: len(headers)]
    assert first_row[:4] == ["0", episodes[0].task_id, "0", "synthetic"]
    assert "hf:a-long-model-folder-name-for-the-student" in dom


def test_teacher_is_named_and_the_sod_legend_is_only_beside_sod_weights(chromium, tmp_path):
    scored, unscored, unweighted = synthetic_episodes(3, steps=2, tokens=3)
    scored.teacher = "/models/teacher-a"
    for step in unscored.steps:
        step.teacher_logprobs = None
    for step in unweighted.steps:  # a teacher that rules the student's tokens out: d = inf
        step.teacher_logprobs = [-math.inf] * len(step.teacher_logprobs or [])
    page = write_report([scored, unscored, unweighted], tmp_path / "legend.html")

    def detail(fragment: str) -> str:
        dom = dump_dom(chromium, tmp_path, page, fragment)
        start = dom.index('<section id="detail"')
        return dom[start : dom.index("</section>", start)]

    shown = detail("#ep=0")
    assert "teacher /models/teacher-a" in shown
    assert len(re.findall(r"SOD w = \d", shown)) == 2  # a weight on each step
    assert 'class="sod-legend"' in shown
    assert "token colour" in shown
    dom = dump_dom(chromium, tmp_path, page)
    assert (
        '<p id="teacher-line">scored by teacher /models/teacher-a · '
        "1 scored episode does not record the teacher</p>"
    ) in dom
    shown = detail("#ep=1")
    assert "SOD" not in shown and "token colour" not in shown
    shown = detail("#ep=2")
    assert "SOD" not in shown
    assert "token colour" in shown  # the tokens are still coloured (grey: no finite difference)
