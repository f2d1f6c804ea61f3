// protege view: renders episodes from the JSON embedded in the page.
// #report-data holds the episode list; each episode's steps sit in their own JSON element,
// kept as unparsed text until the episode is opened. The list is rendered a page at a time.
// Every piece of episode text goes through textContent, never innerHTML; the only markup
// built from strings is the SVG chart, made of numbers formatted here.
(function () {
  "use strict";
  const started = performance.now();
  const dataNode = document.getElementById("report-data");
  const DATA = JSON.parse(dataNode.textContent);
  dataNode.remove();
  const DETAIL_TEXT = new Map(); // episode number -> its unparsed JSON (steps, metadata, final)
  for (const node of document.querySelectorAll("script[data-episode]")) {
    DETAIL_TEXT.set(Number(node.getAttribute("data-episode")), node.textContent);
    node.remove(); // keeps the live DOM (and a --dump-dom) small
  }
  const parsedMs = performance.now() - started;
  const EPISODES = DATA.episodes;
  const PAGE_SIZE = 100;
  const KEYS = ["source", "env", "task_type", "split", "outcome", "policy", "q"];
  const state = { source: "", env: "", task_type: "", split: "", outcome: "", policy: "", q: "", page: 0, ep: null };
  let filtered = EPISODES;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function fmt(x, digits) { return x === null || x === undefined ? "–" : Number(x).toFixed(digits); }
  function signed(x) { return (x >= 0 ? "+" : "") + x.toFixed(4); }
  function outcome(ep) { return ep.won ? "won" : "lost"; }
  function capped(text, title) {
    // a cell whose long value is cut with an ellipsis (the whole value in its tooltip)
    const cell = el("td", { title: title || text });
    cell.append(el("div", { class: "cell" }, text));
    return cell;
  }

  // ---------------------------------------------------------------- filters and the URL
  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, "") || location.search);
    for (const key of KEYS) state[key] = params.get(key) || "";
    state.page = Math.max(0, parseInt(params.get("page") || "1", 10) - 1) || 0;
    const ep = params.get("ep");
    state.ep = ep === null || ep === "" ? null : parseInt(ep, 10);
  }
  function writeHash() {
    const params = new URLSearchParams();
    for (const key of KEYS) if (state[key]) params.set(key, state[key]);
    if (state.page) params.set("page", String(state.page + 1));
    if (state.ep !== null) params.set("ep", String(state.ep));
    const hash = "#" + params.toString();
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }
  function fillSelect(key, values) {
    const select = document.getElementById("f-" + key);
    select.replaceChildren(el("option", { value: "" }, "all"));
    for (const value of values) select.append(el("option", { value: value }, value));
  }
  function distinct(field) {
    return [...new Set(EPISODES.map((ep) => ep[field]).filter((v) => v !== null))].sort();
  }
  function matches(ep) {
    if (state.source && ep.source !== state.source) return false;
    if (state.env && ep.env !== state.env) return false;
    if (state.task_type && ep.task_type !== state.task_type) return false;
    if (state.split && ep.split !== state.split) return false;
    if (state.policy && ep.policy !== state.policy) return false;
    if (state.outcome && outcome(ep) !== state.outcome) return false;
    if (state.q) {
      const q = state.q.toLowerCase();
      if (!ep.task_id.toLowerCase().includes(q) && !ep.goal.toLowerCase().includes(q)) return false;
    }
    return true;
  }
  function syncControls() {
    for (const key of KEYS) document.getElementById("f-" + key).value = state[key];
  }

  // ---------------------------------------------------------------- the episode list
  function renderList() {
    filtered = EPISODES.filter(matches);
    const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    const first = state.page * PAGE_SIZE;
    const rows = filtered.slice(first, first + PAGE_SIZE).map((ep) => {
      const row = el("tr", { "data-episode": String(ep.i), class: ep.i === state.ep ? "selected" : "" });
      row.append(el("td", {}, ep.i), capped(ep.task_id, [ep.env, ep.task_type, ep.task_id].join(" · ")),
        el("td", {}, ep.seed === null ? "–" : ep.seed), capped(ep.policy || "–", ep.source || ep.policy),
        el("td", {}, ep.split || ""),
        el("td", { class: outcome(ep) }, outcome(ep)), el("td", {}, fmt(ep.score, 2)),
        el("td", {}, ep.n), el("td", {}, fmt(ep.div, 3)),
        el("td", { class: "goal-cell", title: ep.goal }, ep.goal));
      return row;
    });
    document.getElementById("episode-rows").replaceChildren(...rows);
    document.getElementById("count").textContent = filtered.length + " of " + EPISODES.length +
      " episodes" + (filtered.length ? " (" + (first + 1) + "–" +
      Math.min(first + PAGE_SIZE, filtered.length) + ")" : "");
    document.getElementById("page-label").textContent = "page " + (state.page + 1) + " / " + pages;
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
  }

  // ---------------------------------------------------------------- one episode
  function tokenText(ep, id) {
    const vocab = ep.vocab === null ? null : DATA.vocabularies[ep.vocab];
    if (!vocab || vocab[String(id)] === undefined) return null;
    return vocab[String(id)].replace(/\n/g, "\u21b5\n");
  }
  function tokenColour(diff) {
    // student minus teacher: red where the student is surer than the teacher, blue where less
    const alpha = Math.min(Math.abs(diff) / 3, 1) * 0.8;
    return diff >= 0 ? "rgba(220,38,38," + alpha.toFixed(3) + ")" : "rgba(37,99,235," + alpha.toFixed(3) + ")";
  }
  function renderTokens(ep, step) {
    const box = el("div", { class: "tokens" });
    const scored = step.lp && step.tlp;
    step.ids.forEach((id, t) => {
      const text = tokenText(ep, id);
      const span = el("span", { class: text === null ? "tok id" : "tok" }, text === null ? "#" + id : text);
      let title = "token " + id;
      if (step.lp) title += "\nstudent log p " + fmt(step.lp[t], 4);
      if (scored) {
        // null stands for a log-probability that was not finite (e.g. -inf)
        const diff = step.lp[t] === null || step.tlp[t] === null ? NaN : step.lp[t] - step.tlp[t];
        title += "\nteacher log p " + fmt(step.tlp[t], 4) + "\nstudent − teacher " +
          (Number.isFinite(diff) ? signed(diff) : "n/a");
        span.style.background = Number.isFinite(diff) ? tokenColour(diff) : "#ccc";
        if (Number.isFinite(diff)) span.setAttribute("data-div", diff.toFixed(4));
      }
      span.title = title;
      box.append(span);
    });
    return box;
  }
  function renderAdmissible(step) {
    const details = el("details", { class: "admissible" });
    details.append(el("summary", {}, "admissible actions (" + step.adm.length + ")"));
    details.addEventListener("toggle", () => {
      if (!details.open || details.querySelector("ul")) return;
      const list = el("ul");
      for (const index of step.adm) list.append(el("li", { class: "action" }, DATA.strings[index]));
      details.append(list);
    }, { once: false });
    return details;
  }
  function renderStep(ep, step, k) {
    const card = el("article", { class: "step", id: "step-" + k });
    const head = el("div", { class: "step-head" });
    head.append(el("span", {}, "step " + (k + 1)), el("span", {}, "reward " + fmt(step.r, 2)),
      el("span", {}, "score " + fmt(step.s, 2)));
    if (step.won) head.append(el("span", { class: "won" }, "won"));
    if (step.trunc) head.append(el("span", {}, "truncated"));
    if (step.d !== undefined) {
      head.append(el("span", { class: "signal", title: "mean |log S − log T| over the step's tokens" },
        "d = " + fmt(step.d, 4)));
      if (showsWeight(step)) {
        head.append(el("span", { class: "signal", title: "SOD weight min((d₁+ε)/(d+ε), 1+δ)" },
          "SOD w = " + fmt(step.w, 3)));
      }
      head.append(el("span", { class: "signal", title: "mean (log S − log T), k1 estimate of KL(S‖T)" },
        "rev KL = " + fmt(step.kl, 4)));
    }
    card.append(head, el("div", { class: "label" }, "observation"), el("pre", {}, step.o));
    if (step.ids) card.append(el("div", { class: "label" }, "response tokens"), renderTokens(ep, step));
    else if (step.resp) card.append(el("div", { class: "label" }, "response"), el("pre", {}, step.resp));
    const action = el("div", {});
    action.append(el("span", { class: "label" }, "action "), el("span", { class: "action" }, step.a));
    card.append(action);
    if (step.pe) card.append(el("div", { class: "error" }, "parse error: " + step.pe));
    if (step.adm.length) card.append(renderAdmissible(step));
    return card;
  }
  function renderChart(ep) {
    const points = ep.steps.map((s, k) => [k, s.kl]).filter((p) => typeof p[1] === "number");
    if (!points.length) return null;
    const W = 360, H = 90, L = 40, R = 8, T = 8, B = 18;
    const ys = points.map((p) => p[1]);
    const lo = Math.min(0, ...ys), hi = Math.max(1e-9, ...ys);
    const kMax = Math.max(1, ep.steps.length - 1);
    const x = (k) => L + (k / kMax) * (W - L - R);
    const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
    const line = points.map((p) => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" ");
    const dots = points.map((p) => '<circle cx="' + x(p[0]).toFixed(1) + '" cy="' + y(p[1]).toFixed(1) +
      '" r="2.5" fill="#b3261e"><title>turn ' + (p[0] + 1) + ": " + p[1].toFixed(4) + "</title></circle>").join("");
    const box = el("div", { class: "chart" });
    box.append(el("div", { class: "label" }, "reverse KL by turn (mean log S − log T)"));
    const svg = el("div");
    svg.innerHTML = '<svg width="' + W + '" height="' + H + '" role="img" aria-label="reverse KL by turn">' +
      '<line x1="' + L + '" x2="' + (W - R) + '" y1="' + y(0).toFixed(1) + '" y2="' + y(0).toFixed(1) +
      '" stroke="#bbb"/><polyline fill="none" stroke="#b3261e" stroke-width="1.5" points="' + line + '"/>' +
      dots + '<text x="2" y="' + (T + 8) + '" font-size="10">' + hi.toFixed(2) + "</text>" +
      '<text x="2" y="' + (H - B) + '" font-size="10">' + lo.toFixed(2) + "</text>" +
      '<text x="' + L + '" y="' + (H - 4) + '" font-size="10">turn 1</text>' +
      '<text x="' + (W - R - 40) + '" y="' + (H - 4) + '" font-size="10">turn ' + ep.steps.length + "</text></svg>";
    box.append(svg.firstChild);
    return box;
  }
  function showsWeight(step) { return typeof step.w === "number"; }
  function renderLegend(steps) {
    // each part only where the episode shows what it explains
    const coloured = steps.some((step) => step.ids && step.lp && step.tlp);
    const weighted = steps.some(showsWeight);
    if (!coloured && !weighted) return null;
    const legend = el("div", { class: "legend meta" });
    if (coloured) {
      legend.append("token colour: student − teacher log p  ",
        el("span", { style: "background:" + tokenColour(-2) }, "teacher surer"), " ",
        el("span", { style: "background:" + tokenColour(2) }, "student surer"),
        "; hover a token for its numbers");
    }
    if (weighted) {
      legend.append(el("span", { class: "sod-legend" }, (coloured ? " · " : "") +
        "SOD w = min((d₁+ε)/(d+ε), 1+δ) with ε=" + DATA.sod.eps + ", δ=" + DATA.sod.delta));
    }
    return legend;
  }
  function renderDetail() {
    const pane = document.getElementById("detail");
    const summary = state.ep === null ? undefined : EPISODES[state.ep];
    const ep = summary && Object.assign({}, summary, JSON.parse(DETAIL_TEXT.get(summary.i) || "{}"));
    if (!ep) { pane.replaceChildren(el("p", { class: "hint" }, "Click an episode to see its steps.")); return; }
    const t0 = performance.now();
    const parts = [el("h2", {}, "episode " + ep.i + " · " + ep.task_id), el("div", { class: "goal" }, ep.goal)];
    const meta = [ep.source, ep.env, ep.split, "seed " + ep.seed, ep.task_type, outcome(ep), "score " + fmt(ep.score, 2),
      ep.n + " steps"].filter((v) => v !== null);
    parts.push(el("div", { class: "meta" }, meta.join(" · ")));
    const who = [ep.policy_path ? "policy " + ep.policy_path : null,
      ep.scored ? "teacher " + (ep.teacher_path || "not recorded") : null].filter((v) => v !== null);
    if (who.length) parts.push(el("div", { class: "meta who" }, who.join(" · ")));
    const extra = Object.entries(ep.meta || {}).map(([k, v]) => k + "=" + JSON.stringify(v)).join("  ");
    if (extra) parts.push(el("div", { class: "meta" }, extra));
    const chart = renderChart(ep);
    if (chart) parts.push(chart);
    const legend = renderLegend(ep.steps || []);
    if (legend) parts.push(legend);
    (ep.steps || []).forEach((step, k) => parts.push(renderStep(ep, step, k)));
    parts.push(el("div", { class: "label" }, "final observation"), el("pre", {}, ep.final));
    pane.replaceChildren(...parts);
    document.body.setAttribute("data-detail-ms", (performance.now() - t0).toFixed(1));
  }

  function teacherLine() {
    const unrecorded = DATA.unrecorded_teacher;
    if (!DATA.teachers.length && !unrecorded) return "not scored by a teacher";
    const parts = [];
    if (DATA.teachers.length) parts.push("scored by teacher " + DATA.teachers.join(", "));
    if (unrecorded) {
      parts.push(unrecorded + " scored episode" + (unrecorded === 1 ? " does" : "s do") +
        " not record the teacher");
    }
    return parts.join(" · ");
  }

  // ---------------------------------------------------------------- wiring
  function update(renderEpisode) {
    renderList();
    if (renderEpisode) renderDetail();
    writeHash();
  }
  for (const key of KEYS) {
    const input = document.getElementById("f-" + key);
    input.addEventListener(key === "q" ? "input" : "change", () => {
      state[key] = input.value; state.page = 0; update(false);
    });
  }
  document.getElementById("filters").addEventListener("submit", (e) => e.preventDefault());
  document.getElementById("prev").addEventListener("click", () => { state.page -= 1; update(false); });
  document.getElementById("next").addEventListener("click", () => { state.page += 1; update(false); });
  document.getElementById("episode-rows").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-episode]");
    if (!row) return;
    state.ep = parseInt(row.getAttribute("data-episode"), 10);
    update(true);
  });
  window.addEventListener("hashchange", () => { readHash(); syncControls(); update(true); });

  fillSelect("source", distinct("source"));
  document.getElementById("source-filter").hidden = distinct("source").length < 2;
  fillSelect("env", distinct("env"));
  fillSelect("task_type", distinct("task_type"));
  fillSelect("split", distinct("split"));
  fillSelect("outcome", ["won", "lost"]);
  fillSelect("policy", distinct("policy"));
  const sub = [DATA.source, DATA.episodes.length + " episodes", "generated " + DATA.generated];
  document.getElementById("subtitle").textContent = sub.filter(Boolean).join(" · ");
  document.getElementById("teacher-line").textContent = teacherLine();
  readHash();
  syncControls();
  update(true);
  document.body.setAttribute("data-parse-ms", parsedMs.toFixed(1));
  document.body.setAttribute("data-ready-ms", performance.now().toFixed(1));
  document.body.setAttribute("data-ready", "true");
})();
