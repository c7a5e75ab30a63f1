"use strict";
// The Lloyd explorer: hand-written, no libraries; every chart is inline SVG.
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const LEVELS = ["N", "R", "L"];
  const LEVEL_NAMES = ["National", "Regional", "Local"];
  const FUNCTIONS = ["Conceive", "Manage", "Implement"];
  const WORDS = { N: "nationally", R: "regionally", L: "locally" };
  const METRIC_LABELS = {
    net_benefit: "Net benefit (delivery + value added − costs)",
    delivery_total: "Delivery",
    value_added_total: "Value added",
    transaction_cost_total: "Transaction (hassle) costs",
    fit: "Fit to local needs (0–1)",
    trust_mean: "Mean trust at the end (0–1)",
    trust_min: "Lowest trust at the end (0–1)",
    vision_dispersion: "Disagreement about the vision",
    months_to_trust: "Months until trust reaches the threshold",
    survival: "Share of partnerships that survive",
    equity: "Equity between places (1 = each served in proportion to its need)",
    empowerment: "Empowerment (0–1)",
    service_delivery: "Service delivery focus (0–1)",
    active_partners: "Active partners at the end",
  };
  // Whether more is better, for colouring differences (undefined: neutral).
  const BETTER = { net_benefit: 1, delivery_total: 1, value_added_total: 1, transaction_cost_total: -1, fit: 1, trust_mean: 1, trust_min: 1, months_to_trust: -1, survival: 1, equity: 1, vision_dispersion: -1, active_partners: 1 };
  const FAN_TEXT = {
    trust_mean: ["Trust between partners", "Mean trust between the partners (0 = none, 1 = complete), month by month. Trust grows with contact and kept commitments and falls faster when commitments are broken. The dashed line is the threshold at which partners commit to delivery."],
    transaction_cost: ["Transaction (hassle) costs per month", "What it costs each month to keep the partnership going: the coordination every pair of partners needs (cheaper the more they trust each other), every hand-over between levels, and running it."],
    delivery: ["Delivery per month", "What the partnership delivers each month: zero while it negotiates, then growing once it commits and executes, more when the policy fits local needs."],
    value_added: ["Value added per month", "The creative extra a partnership adds (new ideas, joined-up services): it needs trust, cooperation, learning, ownership and few silos."],
  };
  const $ = (id) => document.getElementById(id);
  const state = { info: null, assign: ["N", "N", "L"], last: null, lastBody: null, pins: [], grids: {}, grid: null };

  function el(tag, attrs, text) {
    const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) { return el("svg:" + tag, attrs, text); }
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    const a = Math.abs(v);
    if (a >= 100) return v.toFixed(1);
    if (a >= 10) return v.toFixed(2);
    return v.toFixed(3);
  }
  function label(m) { return METRIC_LABELS[m] || m; }
  function code() { return state.assign.join("-"); }

  // ---- The functions-by-levels picture --------------------------------
  function drawPicture() {
    const box = $("lloyd-picture");
    box.textContent = "";
    const W = 420, H = 290, x0 = 92, y0 = 40, cw = 108, ch = 76;
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
    const defs = svg("defs");
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "8", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#1f5fbf" }));
    defs.appendChild(marker);
    s.appendChild(defs);
    FUNCTIONS.forEach((f, j) => s.appendChild(svg("text", { x: x0 + j * cw + cw / 2, y: y0 - 12, "text-anchor": "middle", "font-weight": "600", "font-size": "15" }, f)));
    LEVEL_NAMES.forEach((l, i) => s.appendChild(svg("text", { x: x0 - 10, y: y0 + i * ch + ch / 2 + 5, "text-anchor": "end", "font-size": "14" }, l)));
    const centres = [];
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        const on = state.assign[j] === LEVELS[i];
        const r = svg("rect", { x: x0 + j * cw + 4, y: y0 + i * ch + 4, width: cw - 8, height: ch - 8, rx: "8", class: "cell" + (on ? " on" : ""), "data-function": FUNCTIONS[j].toLowerCase(), "data-level": LEVELS[i], tabindex: "0" });
        const title = svg("title", {}, `${FUNCTIONS[j]} ${WORDS[LEVELS[i]]}`);
        r.appendChild(title);
        const pick = () => { state.assign[j] = LEVELS[i]; drawPicture(); };
        r.addEventListener("click", pick);
        r.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(); } });
        s.appendChild(r);
        if (on) centres.push([x0 + j * cw + cw / 2, y0 + i * ch + ch / 2]);
      }
    }
    // The path: from each chosen cell to the next, stopping short of the dots.
    for (let k = 0; k + 1 < centres.length; k++) {
      const [ax, ay] = centres[k], [bx, by] = centres[k + 1];
      const d = Math.hypot(bx - ax, by - ay), ux = (bx - ax) / d, uy = (by - ay) / d;
      s.appendChild(svg("line", { x1: ax + ux * 14, y1: ay + uy * 14, x2: bx - ux * 16, y2: by - uy * 16, stroke: "#1f5fbf", "stroke-width": "3", "marker-end": "url(#arrow)", class: "path" }));
    }
    centres.forEach(([cx, cy], k) => {
      s.appendChild(svg("circle", { cx, cy, r: "11", fill: "#1f5fbf" }));
      s.appendChild(svg("text", { x: cx, y: cy + 4, "text-anchor": "middle", fill: "#fff", "font-size": "12", "font-weight": "700", "pointer-events": "none" }, "CMI"[k]));
    });
    s.appendChild(svg("text", { x: W / 2, y: H - 6, "text-anchor": "middle", "font-size": "13", fill: "#5b6475" }, "Each hand-over between levels costs and delays"));
    box.appendChild(s);
    $("code").textContent = code();
    $("code-words").textContent = `conceived ${WORDS[state.assign[0]]}, managed ${WORDS[state.assign[1]]}, implemented ${WORDS[state.assign[2]]}`;
    markGridCurrent();
  }

  // ---- Controls ---------------------------------------------------------
  function buildControls() {
    const box = $("controls");
    box.textContent = "";
    for (const c of state.info.controls) {
      const row = el("div", { class: "control", "data-path": c.path });
      const lab = el("label");
      const name = el("span", {}, c.label + " ");
      const plain = typeof c.default === "number" || typeof c.default === "boolean";
      name.appendChild(el("span", { class: "default" }, "(default: " + (plain ? (c.kind === "bool" ? (c.default ? "yes" : "no") : c.default) : "a distribution") + ")"));
      lab.appendChild(name);
      let input;
      if (c.kind === "bool") {
        input = el("input", { type: "checkbox" });
        input.checked = !!c.default;
      } else {
        input = el("input", { type: "number", min: c.min, max: c.max, step: c.step });
        if (typeof c.default === "number") input.value = c.default; else input.placeholder = "distribution";
      }
      input.dataset.path = c.path;
      input.addEventListener("input", () => row.classList.toggle("changed", changed(c, input)));
      lab.appendChild(input);
      row.appendChild(lab);
      row.appendChild(el("p", { class: "explain-line" }, c.explain));
      box.appendChild(row);
    }
  }
  function changed(c, input) {
    if (c.kind === "bool") return input.checked !== !!c.default;
    if (input.value === "") return false;
    return Number(input.value) !== c.default;
  }
  function settings() {
    const out = {};
    for (const c of state.info.controls) {
      const input = document.querySelector(`#controls input[data-path="${c.path}"]`);
      if (!changed(c, input)) continue;
      out[c.path] = c.kind === "bool" ? input.checked : Number(input.value);
    }
    return out;
  }
  function requestBody() {
    return { assignment: code(), settings: settings(), replications: Number($("replications").value), months: Number($("months").value), seed: Number($("seed").value) };
  }
  function resetControls() {
    buildControls();
    state.assign = state.info.assignment.split("-");
    $("replications").value = state.info.replications;
    $("months").value = state.info.months;
    $("seed").value = state.info.seed;
    drawPicture();
    setStatus("");
  }

  // ---- Talking to the server ------------------------------------------
  async function post(path, body) {
    const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const type = r.headers.get("Content-Type") || "";
    const data = type.startsWith("application/json") ? await r.json() : await r.text();
    if (!r.ok) {
      const err = new Error(data && data.error ? data.error : "the server answered " + r.status);
      err.field = data && data.field;
      throw err;
    }
    return data;
  }
  function setStatus(text, error) {
    const s = $("status");
    s.textContent = text;
    s.className = error ? "error" : "";
    document.querySelectorAll(".control.bad").forEach((e) => e.classList.remove("bad"));
  }
  function showError(e) {
    setStatus("Refused: " + e.message, true);
    if (e.field) {
      const row = document.querySelector(`.control[data-path="${e.field}"]`);
      if (row) row.classList.add("bad");
    }
  }

  // ---- Run ----------------------------------------------------------------
  async function run() {
    const body = requestBody();
    $("run").disabled = true;
    setStatus("Running " + body.replications + " replications × " + body.months + " months…");
    const t0 = performance.now();
    try {
      const r = await post("/api/run", body);
      state.last = r;
      state.lastBody = body;
      render(r);
      $("pin").disabled = state.pins.length >= 4;
      setStatus(`Done in ${((performance.now() - t0) / 1000).toFixed(2)} s (simulation ${(r.elapsed_ms / 1000).toFixed(2)} s).`);
    } catch (e) {
      showError(e);
    } finally {
      $("run").disabled = false;
    }
  }

  function ciText(e) { return e && e.ci_low !== null && e.ci_low !== undefined ? `[${fmt(e.ci_low)}, ${fmt(e.ci_high)}]` : ""; }
  function cell(tr, e, extraClass, metric) {
    const td = el("td", extraClass ? { class: extraClass } : {});
    const v = el("span", { class: "value" }, e ? fmt(e.mean) : "–");
    if (e && e.mean !== null && e.mean !== undefined) v.dataset.value = String(e.mean);
    if (metric) v.dataset.metric = metric;
    td.appendChild(v);
    td.appendChild(el("span", { class: "ci" }, ciText(e)));
    tr.appendChild(td);
    return td;
  }
  function render(r) {
    $("results").hidden = false;
    $("results-line").textContent = `Baseline: the scenario as it is (${r.baseline_assignment}). Yours: ${r.assignment}${Object.keys(state.lastBody.settings).length ? " with " + Object.keys(state.lastBody.settings).length + " changed setting(s)" : ""}. ${r.replications} replications × ${r.months} months.`;
    const t = $("headline");
    t.textContent = "";
    const head = el("tr");
    ["", "Baseline", "Yours", "Difference (yours − baseline)"].forEach((h) => head.appendChild(el("th", {}, h)));
    t.appendChild(head);
    for (const m of state.info.headline) {
      const tr = el("tr", { "data-metric": m });
      tr.appendChild(el("td", {}, label(m)));
      cell(tr, r.summary.baseline[m], "baseline", m);
      cell(tr, r.summary.explored[m], "explored", m);
      const d = r.differences[m];
      let cls = "same";
      if (d && d.ci_low !== null && (d.ci_low > 0 || d.ci_high < 0) && BETTER[m]) {
        cls = (d.mean > 0) === (BETTER[m] > 0) ? "up" : "down";
      }
      cell(tr, d, "difference " + cls, m);
      t.appendChild(tr);
    }
    const fans = $("fans");
    fans.textContent = "";
    for (const obs of state.info.fans) fans.appendChild(fanFigure(obs, r));
    const typ = $("typology");
    typ.textContent = "";
    typ.appendChild(typology(r));
  }

  // ---- Charts -------------------------------------------------------------
  function niceTicks(lo, hi, n) {
    const span = hi - lo || 1, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.round(v / step) * step);
    const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9)) === 2.5 ? 1 : 0));
    out.label = (v) => v.toFixed(digits);
    return out;
  }
  function fanFigure(obs, r) {
    const [title, text] = FAN_TEXT[obs] || [obs, ""];
    const fig = el("figure", { class: "chart fan", "data-observable": obs });
    fig.appendChild(el("figcaption", {}, title));
    const holder = el("div", { id: "fan-" + obs });
    holder.appendChild(fanChart(obs, r, title));
    fig.appendChild(holder);
    const tools = el("div", { class: "chart-tools" });
    const b = el("button", { class: "svg-download", "data-target": "fan-" + obs }, "Download SVG");
    tools.appendChild(b);
    fig.appendChild(tools);
    const d = el("details", { class: "explain" });
    d.appendChild(el("summary", {}, "What am I looking at?"));
    d.appendChild(el("p", {}, text + " Lines are the mean over replications; the darker band holds the middle half of the runs (25%–75%), the lighter band 90% of them (5%–95%). Grey: the baseline; blue: yours."));
    fig.appendChild(d);
    return fig;
  }
  function fanChart(obs, r, title) {
    const W = 520, H = 280, L = 56, R = 14, T = 26, B = 38;
    const series = [["baseline", "#7b8494"], ["explored", "#1f5fbf"]].map(([k, colour]) => [r.trajectories[k][obs], colour, k]).filter((x) => x[0]);
    const s = svg("svg", { xmlns: SVG, viewBox: `0 0 ${W} ${H}`, width: W, height: H, "font-family": "sans-serif", "font-size": "12" });
    s.appendChild(svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }));
    s.appendChild(svg("text", { x: L, y: 16, "font-weight": "600", "font-size": "13" }, title));
    if (!series.length) return s;
    const months = series[0][0].month;
    let lo = Infinity, hi = -Infinity;
    for (const [t] of series) for (const k of ["p05", "p95", "mean"]) for (const v of t[k]) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (obs === "trust_mean") { lo = Math.min(lo, 0.65); hi = Math.max(hi, 0.65); }
    if (lo > 0 && lo < (hi - lo)) lo = 0;
    if (hi === lo) hi = lo + 1;
    const x = (m) => L + (m - months[0]) / Math.max(1, months[months.length - 1] - months[0]) * (W - L - R);
    const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
    const yt = niceTicks(lo, hi, 5);
    for (const v of yt) {
      s.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#eceef2" }));
      s.appendChild(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", fill: "#5b6475" }, yt.label(v)));
    }
    for (const m of niceTicks(months[0], months[months.length - 1], 6)) {
      s.appendChild(svg("text", { x: x(m), y: H - B + 16, "text-anchor": "middle", fill: "#5b6475" }, String(m)));
    }
    s.appendChild(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", fill: "#5b6475" }, "month"));
    s.appendChild(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#5b6475" }));
    s.appendChild(svg("line", { x1: L, x2: L, y1: T, y2: H - B, stroke: "#5b6475" }));
    const band = (t, a, b, colour, opacity, cls) => {
      const up = [], down = [];
      t.month.forEach((m, i) => { if (t[a][i] !== null && t[b][i] !== null) { up.push(`${x(m).toFixed(1)},${y(t[b][i]).toFixed(1)}`); down.unshift(`${x(m).toFixed(1)},${y(t[a][i]).toFixed(1)}`); } });
      if (up.length) s.appendChild(svg("polygon", { points: up.concat(down).join(" "), fill: colour, "fill-opacity": opacity, class: cls }));
    };
    for (const [t, colour, k] of series) {
      band(t, "p05", "p95", colour, 0.13, "band90 " + k);
      band(t, "p25", "p75", colour, 0.25, "band50 " + k);
    }
    for (const [t, colour, k] of series) {
      const pts = [];
      t.month.forEach((m, i) => { if (t.mean[i] !== null) pts.push(`${x(m).toFixed(1)},${y(t.mean[i]).toFixed(1)}`); });
      s.appendChild(svg("polyline", { points: pts.join(" "), fill: "none", stroke: colour, "stroke-width": "2", class: "mean " + k }));
    }
    if (obs === "trust_mean") {
      s.appendChild(svg("line", { x1: L, x2: W - R, y1: y(0.65), y2: y(0.65), stroke: "#b3261e", "stroke-dasharray": "5 4" }));
      s.appendChild(svg("text", { x: W - R - 2, y: y(0.65) - 4, "text-anchor": "end", fill: "#b3261e", "font-size": "11" }, "threshold 0.65"));
    }
    const leg = [["baseline", "#7b8494"], ["yours (" + r.assignment + ")", "#1f5fbf"]];
    leg.forEach(([n, c], i) => {
      s.appendChild(svg("rect", { x: W - R - 200 + i * 100, y: 8, width: 12, height: 4, fill: c }));
      s.appendChild(svg("text", { x: W - R - 184 + i * 100, y: 13, "font-size": "11" }, n));
    });
    return s;
  }
  function typology(r) {
    const W = 360, H = 330, L = 52, R = 14, T = 14, B = 44;
    const s = svg("svg", { xmlns: SVG, viewBox: `0 0 ${W} ${H}`, width: W, height: H, "font-family": "sans-serif", "font-size": "12" });
    s.appendChild(svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }));
    const x = (v) => L + v * (W - L - R), y = (v) => T + (1 - v) * (H - T - B);
    s.appendChild(svg("rect", { x: x(0), y: y(1), width: x(1) - x(0), height: y(0) - y(1), fill: "none", stroke: "#5b6475" }));
    s.appendChild(svg("line", { x1: x(0.5), x2: x(0.5), y1: y(0), y2: y(1), stroke: "#eceef2" }));
    s.appendChild(svg("line", { x1: x(0), x2: x(1), y1: y(0.5), y2: y(0.5), stroke: "#eceef2" }));
    [["Local partnerships", 0.25, 0.93], ["Umbrella bodies", 0.75, 0.93], ["Base capacity", 0.25, 0.05], ["Service delivery bodies", 0.75, 0.05]].forEach(([t, a, b]) =>
      s.appendChild(svg("text", { x: x(a), y: y(b), "text-anchor": "middle", fill: "#8a93a3", "font-size": "11" }, t)));
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      s.appendChild(svg("text", { x: x(v), y: y(0) + 14, "text-anchor": "middle", fill: "#5b6475" }, String(v)));
      s.appendChild(svg("text", { x: x(0) - 6, y: y(v) + 4, "text-anchor": "end", fill: "#5b6475" }, String(v)));
    }
    s.appendChild(svg("text", { x: (L + W - R) / 2, y: H - 8, "text-anchor": "middle", fill: "#5b6475" }, "service delivery focus →"));
    s.appendChild(svg("text", { x: 14, y: (T + H - B) / 2, transform: `rotate(-90 14 ${(T + H - B) / 2})`, "text-anchor": "middle", fill: "#5b6475" }, "empowerment →"));
    for (const [k, colour] of [["baseline", "#7b8494"], ["explored", "#1f5fbf"]]) {
      const p = r.typology[k];
      if (!p || !p.empowerment || !p.service_delivery || p.empowerment.mean === null) continue;
      const cx = x(p.service_delivery.mean), cy = y(p.empowerment.mean);
      if (p.service_delivery.ci_low !== null) s.appendChild(svg("line", { x1: x(p.service_delivery.ci_low), x2: x(p.service_delivery.ci_high), y1: cy, y2: cy, stroke: colour }));
      if (p.empowerment.ci_low !== null) s.appendChild(svg("line", { x1: cx, x2: cx, y1: y(p.empowerment.ci_low), y2: y(p.empowerment.ci_high), stroke: colour }));
      if (k === "baseline") s.appendChild(svg("path", { d: `M${cx},${cy - 7} L${cx + 7},${cy} L${cx},${cy + 7} L${cx - 7},${cy} z`, fill: colour, class: "point baseline" }));
      else s.appendChild(svg("circle", { cx, cy, r: 6, fill: colour, class: "point explored" }));
    }
    return s;
  }

  // ---- Compare ------------------------------------------------------------
  function pin() {
    if (!state.last || state.pins.length >= 4) return;
    const n = Object.keys(state.lastBody.settings);
    const name = state.last.assignment + (n.length ? " + " + n.map((p) => p.split(".").slice(-2).join(".") + "=" + state.lastBody.settings[p]).join(", ") : "");
    state.pins.push({ name, summary: state.last.summary.explored, differences: state.last.differences, body: state.lastBody });
    $("pin").disabled = true;
    renderPins();
  }
  function renderPins() {
    const box = $("pinned");
    box.textContent = "";
    if (!state.pins.length) { box.appendChild(el("p", { class: "empty" }, "Nothing pinned yet.")); return; }
    const t = el("table", { class: "numbers", id: "pinned-table" });
    const head = el("tr");
    head.appendChild(el("th", {}, ""));
    state.pins.forEach((p, i) => {
      const th = el("th", { class: "pin" }, `${i + 1}. ${p.name} `);
      const b = el("button", { class: "pinned-remove", title: "Remove" }, "×");
      b.addEventListener("click", () => { state.pins.splice(i, 1); renderPins(); $("pin").disabled = !state.last || state.pins.length >= 4; });
      th.appendChild(b);
      head.appendChild(th);
    });
    t.appendChild(head);
    for (const m of state.info.headline) {
      const tr = el("tr");
      tr.appendChild(el("td", {}, label(m)));
      state.pins.forEach((p) => cell(tr, p.summary[m], "", m));
      t.appendChild(tr);
    }
    box.appendChild(t);
    box.appendChild(el("p", { class: "hint" }, "Means over the replications of each pinned run, with 95% intervals. Pinned runs with the same seed, replications and months share their random numbers."));
  }

  // ---- Grid ---------------------------------------------------------------
  function colour(t) {
    // A dark-blue to yellow scale (perceptually ordered), t in [0, 1].
    const stops = [[37, 52, 148], [44, 127, 184], [65, 182, 196], [161, 218, 180], [255, 255, 204]];
    const u = Math.max(0, Math.min(1, t)) * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(u)), f = u - i;
    const c = stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
    return [`rgb(${c.join(",")})`, t > 0.55 ? "#1d2433" : "#fff"];
  }
  async function computeGrid() {
    const body = { settings: settings(), replications: Number($("grid-replications").value), months: Number($("months").value), seed: Number($("seed").value) };
    const key = JSON.stringify(body);
    $("grid-run").disabled = true;
    try {
      if (!state.grids[key]) {
        setStatus("Computing the 27 assignments…");
        const t0 = performance.now();
        state.grids[key] = await post("/api/grid", body);
        setStatus(`Grid computed in ${((performance.now() - t0) / 1000).toFixed(2)} s.`);
      }
      state.grid = state.grids[key];
      drawGrid();
    } catch (e) {
      showError(e);
    } finally {
      $("grid-run").disabled = false;
    }
  }
  function drawGrid() {
    const box = $("grid");
    box.textContent = "";
    const g = state.grid;
    if (!g) return;
    const metric = $("grid-metric").value;
    const vals = Object.values(g.cells).map((c) => c[metric] && c[metric].mean).filter((v) => v !== null && v !== undefined);
    const lo = Math.min(...vals), hi = Math.max(...vals);
    const cw = 92, ch = 52, L = 76, T = 44;
    const s = svg("svg", { xmlns: SVG, id: "grid-svg", "data-metric": metric, viewBox: `0 0 ${L + 3 * (3 * cw + 20)} ${T + 3 * ch + 40}`, width: L + 3 * (3 * cw + 20), height: T + 3 * ch + 40, "font-family": "sans-serif", "font-size": "12" });
    s.appendChild(svg("rect", { x: 0, y: 0, width: "100%", height: "100%", fill: "#fff" }));
    s.appendChild(svg("text", { x: 8, y: 16, "font-weight": "600", "font-size": "13" }, `${label(metric)} — ${g.replications} replications × ${g.months} months per assignment`));
    for (let p = 0; p < 3; p++) {
      const px = L + p * (3 * cw + 20);
      s.appendChild(svg("text", { x: px + 1.5 * cw, y: T - 8, "text-anchor": "middle", "font-weight": "600" }, "Implemented " + WORDS[LEVELS[p]]));
      for (let i = 0; i < 3; i++) {
        if (p === 0) s.appendChild(svg("text", { x: L - 6, y: T + i * ch + ch / 2 + 4, "text-anchor": "end" }, "C: " + LEVEL_NAMES[i].toLowerCase()));
        for (let j = 0; j < 3; j++) {
          const c = `${LEVELS[i]}-${LEVELS[j]}-${LEVELS[p]}`;
          const e = g.cells[c] && g.cells[c][metric];
          const v = e ? e.mean : null;
          const [fill, ink] = v === null ? ["#eee", "#1d2433"] : colour(hi > lo ? (v - lo) / (hi - lo) : 0.5);
          const r = svg("rect", { x: px + j * cw, y: T + i * ch, width: cw - 2, height: ch - 2, fill, class: "grid-cell", "data-code": c, "data-value": v === null ? "" : String(v) });
          r.appendChild(svg("title", {}, `${c}: ${fmt(v)} ${ciText(e)}`));
          s.appendChild(r);
          s.appendChild(svg("text", { x: px + j * cw + cw / 2 - 1, y: T + i * ch + 20, "text-anchor": "middle", fill: ink, "font-weight": "600" }, c));
          s.appendChild(svg("text", { x: px + j * cw + cw / 2 - 1, y: T + i * ch + 38, "text-anchor": "middle", fill: ink }, fmt(v)));
        }
      }
      for (let j = 0; j < 3; j++) s.appendChild(svg("text", { x: px + j * cw + cw / 2, y: T + 3 * ch + 14, "text-anchor": "middle", fill: "#5b6475" }, "M: " + LEVEL_NAMES[j].toLowerCase()));
    }
    s.appendChild(svg("text", { x: 8, y: T + 3 * ch + 34, fill: "#5b6475" }, `Rows: who conceives; columns: who manages; panels: who implements. Lowest ${fmt(lo)}, highest ${fmt(hi)}.`));
    box.appendChild(s);
    const tools = el("div", { class: "chart-tools" });
    tools.appendChild(el("button", { class: "svg-download", "data-target": "grid" }, "Download SVG"));
    box.appendChild(tools);
    markGridCurrent();
  }
  function markGridCurrent() {
    const s = document.getElementById("grid-svg");
    if (!s) return;
    s.querySelectorAll(".current").forEach((e) => e.remove());
    const r = s.querySelector(`rect[data-code="${code()}"]`);
    if (r) s.appendChild(svg("rect", { x: r.getAttribute("x"), y: r.getAttribute("y"), width: r.getAttribute("width"), height: r.getAttribute("height"), fill: "none", stroke: "#b3261e", "stroke-width": "3", class: "current" }));
  }

  // ---- Downloads ------------------------------------------------------------
  function download(name, type, text) {
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  async function downloadToml() {
    try {
      const text = await post("/api/scenario", requestBody());
      state.lastToml = text;
      download("explorer.toml", "application/toml", text);
      setStatus("Scenario downloaded as explorer.toml: `mlgov run explorer.toml --out results/explored` reproduces it.");
    } catch (e) {
      showError(e);
    }
  }
  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("button.svg-download");
    if (!b) return;
    const s = document.querySelector(`#${b.dataset.target} svg`);
    if (!s) return;
    const text = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(s);
    download(b.dataset.target + ".svg", "image/svg+xml", text);
  });

  // ---- Start --------------------------------------------------------------
  async function start() {
    try {
      const r = await fetch("/api/info");
      state.info = await r.json();
    } catch (e) {
      setStatus("Cannot reach the explorer's server: is `mlgov serve` still running?", true);
      return;
    }
    const i = state.info;
    $("scenario-line").textContent = `Scenario: ${i.scenario}${i.source ? " (" + i.source + ")" : ""}${i.description ? " — " + i.description : ""}.`;
    for (const [id, max] of [["replications", i.limits.replications], ["months", i.limits.months], ["grid-replications", i.limits.grid_replications]]) $(id).max = max;
    const sel = $("grid-metric");
    for (const m of i.metrics) sel.appendChild(el("option", { value: m }, label(m)));
    sel.value = "net_benefit";
    sel.addEventListener("change", drawGrid);
    resetControls();
    $("run").addEventListener("click", run);
    $("pin").addEventListener("click", pin);
    $("reset").addEventListener("click", resetControls);
    $("download-toml").addEventListener("click", downloadToml);
    $("grid-run").addEventListener("click", computeGrid);
    document.body.dataset.ready = "1";
  }
  start();
})();
