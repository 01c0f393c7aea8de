// c4confd dashboard: reads the REST API of the server that served it, with the token the person
// enters (kept in sessionStorage: this tab only). Every value from the API is put on the page
// with textContent, never parsed as HTML: manifest names, URIs and messages are untrusted.
"use strict";

const TOKEN_KEY = "c4confd.token";
const KINDS = ["tenants", "domains", "carriers", "normalization_profiles", "carrier_trunks", "routing_groups",
  "ipbxs", "dids", "routing_rules", "api_tokens"];
const KIND_OF_PATH = {tenants: "Tenant", domains: "Domain", carriers: "Carrier",
  normalization_profiles: "NormalizationProfile", carrier_trunks: "CarrierTrunk", routing_groups: "RoutingGroup",
  ipbxs: "IPBX", dids: "DID", routing_rules: "RoutingRule", api_tokens: "ApiToken"};
const state = {fleet: false, tenants: [], timer: null, charts: []};

// ---- DOM helpers: text only ----------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function kv(pairs) {
  const list = el("dl", {class: "kv"});
  for (const [key, value] of pairs) list.append(el("dt", {text: key}), el("dd", {}, value instanceof Node ? value : show(value)));
  return list;
}

function table(headers, rows, onRow) {
  if (!rows.length) return el("p", {class: "empty", text: "Nothing to show."});
  const head = el("tr", {}, headers.map(h => el("th", {scope: "col", class: h.num ? "num" : null, text: h.label || h})));
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr", {}, row.cells.map((c, i) => el("td", {class: headers[i].num ? "num" : null}, c instanceof Node ? c : show(c))));
    if (onRow) {
      tr.classList.add("clickable");
      tr.tabIndex = 0;
      tr.addEventListener("click", () => onRow(row));
      tr.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onRow(row); } });
    }
    body.append(tr);
  }
  return el("div", {class: "table-wrap"}, el("table", {}, el("thead", {}, head), body));
}

function card(title, ...content) {
  return el("section", {class: "card"}, title ? el("h3", {text: title}) : null, content);
}

function where(file, line) {
  if (!file) return "—";
  return el("code", {text: line ? `${file}:${line}` : file});
}

function message(text, isError) {
  const box = document.getElementById("message");
  box.textContent = text || "";
  box.className = isError ? "error" : "";
}

function page() { return document.getElementById("page"); }

// ---- API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, text) { super(text); this.status = status; this.code = code; }
}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = Object.assign({Authorization: `Bearer ${token}`}, options.headers || {});
  let reply;
  try {
    reply = await fetch(path, Object.assign({}, options, {headers, cache: "no-store"}));
  } catch (e) {
    throw new ApiError(0, "network", `the server did not answer (${e.message})`);
  }
  if (options.raw && reply.ok) return reply;
  const text = await reply.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!reply.ok) {
    const err = body && body.error ? body.error : {code: "http_" + reply.status, message: text.slice(0, 200)};
    throw new ApiError(reply.status, err.code, err.message || `HTTP ${reply.status}`);
  }
  return body;
}

function explainError(e) {
  if (e.status === 401) return "This token is not valid: sign in again with a valid API token.";
  if (e.status === 403) return `This token may not read this: ${e.message}`;
  return `${e.message}`;
}

// What failed on a page: a clear message in place of the content, never a blank page.
function failure(e) {
  if (e.status === 401) { signOut("This token is not valid (401): sign in with a valid API token."); return el("p"); }
  return el("p", {class: "error", role: "alert", text: explainError(e)});
}

// ---- sign in ---------------------------------------------------------------------------------

async function identify() {
  // A token of every tenant (the admin's, or an ApiToken of them all) may read the reconciler
  // status and revisions; asked, not tried, so that no 403 lands in the console.
  const me = await api("/1.0/whoami");
  state.tenants = me.tenants;
  state.fleet = me.every_tenant;
  document.getElementById("who").textContent = state.fleet
    ? `Signed in: every tenant (${state.tenants.length})`
    : `Signed in: ${state.tenants.join(", ") || "no tenant"}`;
}

function signOut(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  stopTimer();
  document.getElementById("who").textContent = "";
  document.getElementById("sign-out").hidden = true;
  document.getElementById("sign-in").hidden = false;
  page().replaceChildren();
  message(why, why !== "Signed out.");
  document.getElementById("token").focus();
}

async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  message("Checking the token…");
  try {
    await identify();
  } catch (e) {
    signOut(e.status === 401 ? "This token is not valid (401): check it and try again." : explainError(e));
    return;
  }
  message("");
  document.getElementById("sign-in").hidden = true;
  document.getElementById("sign-out").hidden = false;
  route();
}

// ---- pages -----------------------------------------------------------------------------------

function stopTimer() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  for (const chart of state.charts) chart.destroy();
  state.charts = [];
}

function ago(iso) {
  if (!iso) return "—";
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (!isFinite(seconds)) return iso;
  const span = seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
  return `${iso} (${span} ago)`;
}

// A commit id, shortened on the page (the whole id in its tooltip).
function commit(id) {
  if (!id) return "—";
  return el("code", {title: id, text: id.length > 20 ? id.slice(0, 20) + "…" : id});
}

function resultBadge(result) {
  const cls = result === "failed" ? "bad" : result === "applied" ? "ok" : "muted";
  return el("span", {class: `badge ${cls}`, text: result || "—"});
}

function errorList(errors) {
  if (!errors || !errors.length) return el("p", {class: "empty", text: "No errors."});
  return el("ul", {}, errors.map(e => el("li", {},
    el("code", {text: `${e.file || "?"}:${e.line || "?"}${e.column ? ":" + e.column : ""}`}), " ",
    el("span", {text: e.message || show(e)}))));
}

async function metricsValues() {
  const reply = await fetch("/metrics", {cache: "no-store"});
  const text = await reply.text();
  const values = {};
  for (const line of text.split("\n")) {
    const m = /^(c4confd_[a-z_]+)(\{[^}]*\})? ([0-9.eE+-]+|NaN)$/.exec(line);
    if (m && !(m[1] in values)) values[m[1]] = Number(m[3]);
  }
  return values;
}

async function overviewPage(root) {
  root.append(el("h2", {text: "Overview"}));
  if (!state.fleet) {
    root.append(el("p", {class: "error", role: "note",
      text: "The reconciler status (live revision, last attempt, drift, snapshot, Redis, CDR spool) covers every tenant, so only a token of every tenant may read it. This token sees: " + (state.tenants.join(", ") || "no tenant") + "."}));
    const counts = await Promise.all(KINDS.filter(k => k !== "api_tokens").map(async k => [k, (await api(`/1.0/${k}?limit=1`)).total]));
    root.append(card("Your configuration", kv(counts)));
    return;
  }
  const [status, metrics] = await Promise.all([api("/1.0/status"), metricsValues().catch(() => ({}))]);
  // Who changed it: the live revision's commit author and message.
  const live = status.live_revision_id == null ? {} : await api(`/1.0/revisions/${status.live_revision_id}`);
  const attempt = status.last_attempt || {};
  const snap = status.snapshot || {};
  const drift = status.drift || {};
  const control = status.control;  // the on-call controls (ctl suspend, pin): absent on an older server
  const branch = status.branch;
  const grid = el("div", {class: "grid"});
  grid.append(card("Live revision", kv([
    ["revision", status.live_revision_id], ["commit", commit(status.live_commit)], ["author", live.author],
    ["message", live.message], ["applied", ago(live.finished_at)],
    ["suspended", control ? (control.suspended ? el("span", {class: "bad", text: "yes" + (control.reason ? ": " + control.reason : "")}) : "no") : "not reported by this server"],
    ["pinned to", control && control.pinned_commit ? commit(control.pinned_commit) : "—"],
    ["behind the branch", branch && branch.behind != null ? `${branch.behind} commit(s)` : "—"]])));
  grid.append(card("Last attempt", kv([
    ["revision", attempt.revision_id], ["commit", commit(attempt.commit)],
    ["result", resultBadge(attempt.result)], ["failed step", attempt.failed_step], ["finished", ago(attempt.finished_at)]]),
    el("h4", {text: "Errors"}), errorList(attempt.errors)));
  grid.append(card("Drift", kv([["corrections", drift.count], ["last", ago(drift.last_at)]]),
    drift.last && drift.last.length ? el("ul", {}, drift.last.map(d => el("li", {text: show(d)}))) : null));
  const redisOk = metrics.c4confd_reconcile_redis_projection_current;
  grid.append(card("Routing snapshot", kv([
    ["ready", snap.ready ? el("span", {class: "ok", text: "yes"}) : el("span", {class: "bad", text: "no"})],
    ["revision", commit(snap.revision)], ["age", snap.age_seconds == null ? "—" : `${Math.round(snap.age_seconds)} s`],
    ["Redis subscribed", snap.redis_subscribed ? "yes" : "no (PostgreSQL poll)"],
    ["Redis projection", redisOk === undefined ? "not reported" : redisOk === 1 ? el("span", {class: "ok", text: "current"}) : el("span", {class: "bad", text: "behind"})]])));
  grid.append(card("CDR spool", kv([
    ["records", metrics.c4confd_cdr_spool_records ?? "—"], ["bytes", metrics.c4confd_cdr_spool_bytes ?? "—"],
    ["queue", metrics.c4confd_cdr_queue_depth ?? "—"]])));
  root.append(grid);
  if (snap.snapshots && snap.snapshots.length)
    root.append(card("Snapshots", table(["name", "loaded", "revision", "reloads", "failures", "last error"],
      snap.snapshots.map(s => ({cells: [s.name, s.loaded ? "yes" : "no", s.revision, s.reloads, s.failures, s.last_error]})))));
}

async function revisionsPage(root, id) {
  root.append(el("h2", {text: "Revisions"}));
  if (!state.fleet) {
    root.append(el("p", {class: "error", text: "Revisions describe the whole repository: only a token of every tenant may read them."}));
    return;
  }
  if (id) {
    const r = await api(`/1.0/revisions/${encodeURIComponent(id)}`);
    root.append(el("p", {}, el("a", {href: "#revisions", text: "← all revisions"})));
    root.append(card(`Revision ${r.id}`, kv([
      ["commit", el("code", {text: show(r.commit_id)})], ["parent", commit(r.parent_id)],
      ["author", r.author], ["message", r.message], ["source", r.source], ["result", resultBadge(r.result)],
      ["failed step", r.failed_step], ["started", r.started_at], ["duration", `${r.duration_ms} ms`]])));
    const counts = r.counts && typeof r.counts === "object" ? r.counts : {};
    const changes = counts.changes || r.changes;
    const perKind = counts.counts || counts;
    root.append(card("What it changed", Object.keys(perKind).length
      ? table(["kind", {label: "created", num: true}, {label: "updated", num: true}, {label: "deleted", num: true}],
          Object.entries(perKind).filter(([, v]) => v && typeof v === "object" && !Array.isArray(v))
            .map(([k, v]) => ({cells: [k, v.created ?? 0, v.updated ?? 0, v.deleted ?? 0]})))
      : el("p", {class: "empty", text: "No change recorded."}),
      Array.isArray(changes) && changes.length ? el("ul", {}, changes.map(c => el("li", {text: show(c)}))) : null));
    root.append(card(r.result === "failed" ? "Why it failed" : "Errors", errorList(r.errors)));
    return;
  }
  const list = await api("/1.0/revisions?limit=100");
  root.append(el("p", {class: "muted", text: `${list.total} revisions; newest first. Select one for its changes and errors.`}));
  root.append(table(["id", "commit", "author", "message", "result", "finished"], list.items.map(r => ({
    id: r.id, cells: [r.id, commit(r.commit_id), r.author, r.message, resultBadge(r.result), r.finished_at]})),
  row => { location.hash = `#revisions/${row.id}`; }));
}

async function sourcesIndex() {
  const sources = await api("/1.0/sources");
  const index = new Map();
  for (const s of sources.items) index.set(`${s.kind}/${s.tenant}/${s.name}`, s);
  return index;
}

async function configurationPage(root, args) {
  root.append(el("h2", {text: "Configuration"}));
  root.append(numberSearch());
  const [kind, id] = args ? args.split("/") : ["carrier_trunks", null];
  const chooser = el("select", {id: "kind", "aria-label": "Kind"}, KINDS.map(k => el("option", {value: k, text: k, selected: k === kind})));
  chooser.addEventListener("change", () => { location.hash = `#configuration/${chooser.value}`; });
  const tenantChooser = el("select", {id: "tenant-filter", "aria-label": "Tenant"}, el("option", {value: "", text: "every tenant"}),
    state.tenants.map(t => el("option", {value: t, text: t})));
  const listBox = el("div");
  root.append(card("Objects", el("div", {class: "actions"}, el("label", {}, "Kind ", chooser), el("label", {}, "Tenant ", tenantChooser)), listBox));
  const sources = await sourcesIndex().catch(() => new Map());
  const objectKind = KIND_OF_PATH[kind] || kind;
  const sourceOf = o => sources.get(`${objectKind}/${kind === "tenants" || kind === "api_tokens" ? "" : o.tenant}/${o.name}`);
  if (id) {
    const o = await api(`/1.0/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`);
    const s = sourceOf(o);
    const fields = Object.entries(o).filter(([k]) => !["id", "name", "tenant", "tenant_uuid"].includes(k));
    root.insertBefore(card(`${objectKind} ${o.tenant ? o.tenant + "/" : ""}${o.name}`,
      kv([["source", s ? where(s.file, s.line) : "not in the live snapshot"], ["id", o.id], ["tenant", o.tenant], ...fields])), root.children[1]);
  }
  const render = async () => {
    const tenant = tenantChooser.value;
    const q = tenant && kind !== "tenants" && kind !== "api_tokens" ? `&tenant=${encodeURIComponent(tenant)}` : "";
    try {
      const list = await api(`/1.0/${encodeURIComponent(kind)}?limit=1000${q}`);
      listBox.replaceChildren(el("p", {class: "muted", text: `${list.total} ${kind}`}),
        table(["name", "tenant", "source", "description"], list.items.map(o => {
          const s = sourceOf(o);
          return {id: o.id, cells: [o.name, o.tenant || (kind === "tenants" ? o.name : ""), s ? where(s.file, s.line) : "—", o.description]};
        }), row => { location.hash = `#configuration/${kind}/${row.id}`; }));
    } catch (e) { listBox.replaceChildren(failure(e)); }
  };
  tenantChooser.addEventListener("change", render);
  await render();
}

function numberSearch() {
  const input = el("input", {id: "number", name: "number", placeholder: "+33 1 40 00 01 23", required: true, inputmode: "tel"});
  const out = el("div", {id: "number-answer", "aria-live": "polite"});
  const form = el("form", {class: "inline", id: "number-form"}, el("label", {}, "Who owns this number?", input),
    el("button", {type: "submit", text: "Search"}));
  form.addEventListener("submit", async e => {
    e.preventDefault();
    out.replaceChildren(el("p", {class: "muted", text: "Searching…"}));
    try {
      const r = await api(`/1.0/numbers/${encodeURIComponent(input.value.trim())}`);
      const o = r.owner;
      out.replaceChildren(kv([["number", r.number], ["DID", `${o.tenant}/${o.did.name}`], ["matched by", `${o.how}: ${o.entry}`],
        ["IPBX", o.ipbx.name], ["source", where(o.file, o.line)]]));
    } catch (err) {
      out.replaceChildren(err.status === 404 ? el("p", {class: "empty", text: `No DID you may see takes ${input.value.trim()}.`}) : failure(err));
    }
  });
  return card("Number search", form, out);
}

// The match's manifest place: from the answer, else from /1.0/sources (a snapshot read from
// PostgreSQL has no positions; the process that applied the revision kept them).
const MATCH_KIND = {rule: "RoutingRule", did: "DID", onnet_did: "DID", domain: "Domain"};
function matchPlace(m, sources) {
  if (m.file) return where(m.file, m.line);
  const s = sources.get(`${MATCH_KIND[m.kind]}/${m.tenant}/${m.name}`);
  return s && s.file ? where(s.file, s.line) : "—";
}

function explainSteps(x, sources) {
  const steps = el("ol", {class: "steps", id: "explain-steps"});
  const step = (title, body, failed) => steps.append(el("li", {class: failed ? "failed" : null}, el("div", {class: "step-title", text: title}), body));
  const c = x.caller;
  step("Caller identified", c ? kv([["kind", c.kind], ["name", `${c.tenant}/${c.name}`], ["matched by", c.matched_by]])
    : el("p", {text: "No IPBX or trunk matches this source: the caller is not identified."}), !c);
  const nums = x.numbers || {};
  const norm = x.normalization || [];
  step("Normalizations", el("div", {},
    kv([["caller", `${show(nums.caller && nums.caller.input)} → ${show(nums.caller && nums.caller.e164)}`],
      ["callee", `${show(nums.callee && nums.callee.input)} → ${show(nums.callee && nums.callee.e164)}`]]),
    norm.length ? table(["number", "profile", "rule", "before", "after"], norm.map(n => ({cells: [n.number, n.profile, n.rule, n.before, n.after]})))
      : el("p", {class: "empty", text: "No normalization rule applied."})));
  const m = x.match || {};
  step(m.kind === "none" || !m.kind ? "No DID or rule matched" : `Matched ${m.kind === "rule" ? "routing rule" : m.kind.replace("_", " ").toUpperCase()}`,
    m.kind && m.kind !== "none" ? kv([["name", `${m.tenant}/${m.name}`], ["how", m.how], ["source", matchPlace(m, sources)]]) : el("p", {text: x.no_route_reason || "—"}),
    !m.kind || m.kind === "none");
  const routes = x.routes || [];
  step("Routes, in order", routes.length ? el("ol", {}, routes.map(r => el("li", {},
    el("strong", {text: `${r.target} ${r.name}`}), " ", el("code", {text: show(r.dst_uri)}),
    el("span", {class: "muted", text: `  from ${show(r.from)} to ${show(r.to)}`}))))
    : el("p", {class: "bad", text: `No route: ${x.no_route_reason || "no reason given"}`}), !routes.length);
  const skipped = x.skipped || [];
  step("Candidates skipped", skipped.length ? table(["kind", "name", "reason"], skipped.map(s => ({cells: [s.kind, s.name, s.reason]})))
    : el("p", {class: "empty", text: "None skipped."}));
  return steps;
}

async function explainPage(root) {
  root.append(el("h2", {text: "Routing explain"}));
  root.append(el("p", {class: "muted", text: "Why does a call go there? The answer is computed from the live snapshot and counts against no capacity."}));
  const field = (name, label, value, extra) => el("label", {}, label, el("input", Object.assign({id: `explain-${name}`, name, value}, extra || {})));
  const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const form = el("form", {class: "inline", id: "explain-form"},
    field("source", "Source IP", "192.0.2.10", {required: true}), field("from", "From (number or SIP URI)", "0140000001", {required: true}),
    field("to", "To (number or SIP URI)", "0561234567", {required: true}), field("at", "Time (local)", now, {type: "datetime-local"}),
    el("button", {type: "submit", text: "Explain"}));
  const out = el("div", {id: "explain-answer", "aria-live": "polite"});
  root.append(card(null, form), out);
  form.addEventListener("submit", async e => {
    e.preventDefault();
    const v = name => form.elements[name].value.trim();
    const uri = text => text.startsWith("sip:") ? text : `sip:${text}@${v("source")}`;
    const body = {source_ip: v("source"), from_uri: uri(v("from")), to_uri: uri(v("to"))};
    if (v("at")) body.at = new Date(v("at")).toISOString();
    out.replaceChildren(el("p", {class: "muted", text: "Explaining…"}));
    try {
      const x = await api("/1.0/routing/explain", {method: "POST", body: JSON.stringify(body), headers: {"Content-Type": "application/json"}});
      const sources = await sourcesIndex().catch(() => new Map());
      out.replaceChildren(el("p", {class: "muted", text: `Revision ${show(x.revision)}, at ${show(x.at)}`}), explainSteps(x, sources));
    } catch (err) { out.replaceChildren(failure(err)); }
  });
}

function cdrQuery(form, extra) {
  const params = new URLSearchParams();
  for (const name of ["tenant", "from", "to", "carrier_trunk_id", "ipbx_id", "caller_prefix", "callee_prefix", "call_id"]) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  return params.toString();
}

function chart(canvas, type, labels, datasets, yTitle) {
  const c = new Chart(canvas, {type, data: {labels, datasets},
    options: {responsive: true, maintainAspectRatio: false, animation: false,
      scales: {y: {beginAtZero: true, title: {display: Boolean(yTitle), text: yTitle}}}}});
  state.charts.push(c);
}

async function cdrsPage(root) {
  root.append(el("h2", {text: "CDRs"}));
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const input = (name, label, value, extra) => el("label", {}, label, el("input", Object.assign({id: `cdr-${name}`, name, value: value || ""}, extra || {})));
  const trunkNames = new Map(), ipbxNames = new Map();
  const [trunkList, ipbxList] = await Promise.all([api("/1.0/carrier_trunks?limit=1000"), api("/1.0/ipbxs?limit=1000")]);
  for (const t of trunkList.items) trunkNames.set(t.id, `${t.tenant}/${t.name}`);
  for (const i of ipbxList.items) ipbxNames.set(i.id, `${i.tenant}/${i.name}`);
  const choose = (name, label, every, names) => el("label", {}, label, el("select", {id: `cdr-${name}`, name},
    el("option", {value: "", text: every}), [...names].map(([id, text]) => el("option", {value: id, text}))));
  const form = el("form", {class: "inline", id: "cdr-form"}, choose("tenant", "Tenant", "every tenant", state.tenants.map(t => [t, t])),
    input("from", "From (UTC)", today), input("to", "To (UTC)", tomorrow), choose("carrier_trunk_id", "Carrier trunk", "every trunk", trunkNames),
    choose("ipbx_id", "IPBX", "every IPBX", ipbxNames), input("caller_prefix", "Caller prefix"), input("callee_prefix", "Callee prefix"),
    input("call_id", "Call-ID"), el("button", {type: "submit", text: "Search"}), el("button", {type: "button", class: "secondary", id: "cdr-csv", text: "Download CSV"}));
  const out = el("div", {id: "cdr-answer"});
  root.append(card(null, form), out);
  const search = async () => {
    for (const c of state.charts) c.destroy();
    state.charts = [];
    out.replaceChildren(el("p", {class: "muted", text: "Searching…"}));
    try {
      const base = cdrQuery(form);
      const [total, hours, trunks, page] = await Promise.all([api(`/1.0/cdrs/stats?${base}`), api(`/1.0/cdrs/stats?${cdrQuery(form, {group_by: "hour"})}`),
        api(`/1.0/cdrs/stats?${cdrQuery(form, {group_by: "trunk"})}`), api(`/1.0/cdrs?${cdrQuery(form, {limit: 100})}`)]);
      const all = total.items[0] || {};
      const pct = v => v == null ? "—" : `${(v * 100).toFixed(1)} %`;
      const secs = v => v == null ? "—" : `${Math.round(v)} s`;
      const summary = card("Summary", kv([["calls", all.calls ?? 0], ["answered", all.answered ?? 0], ["ASR", pct(all.asr)], ["ACD", secs(all.acd)], ["minutes", all.minutes ?? 0]]));
      const hourCanvas = el("canvas", {id: "chart-hours", role: "img", "aria-label": "Calls per hour"});
      const trunkCanvas = el("canvas", {id: "chart-trunks", role: "img", "aria-label": "Calls, ASR and ACD per trunk"});
      const key = i => i.key ?? i.period ?? i.carrier_trunk_id;
      const trunkLabel = i => key(i) == null ? "no trunk" : (trunkNames.get(key(i)) || `trunk ${key(i)}`);
      out.replaceChildren(el("div", {class: "grid"}, summary,
        card("Calls per hour (UTC)", hours.items.length ? el("div", {class: "chart-box"}, hourCanvas) : el("p", {class: "empty", text: "No calls in this period."})),
        card("Per trunk: calls, ASR, ACD", trunks.items.length ? el("div", {class: "chart-box"}, trunkCanvas) : el("p", {class: "empty", text: "No calls in this period."}))),
      card("Per trunk", table([{label: "trunk"}, {label: "calls", num: true}, {label: "ASR", num: true}, {label: "ACD", num: true}, {label: "minutes", num: true}],
        trunks.items.map(i => ({cells: [trunkLabel(i), i.calls, pct(i.asr), secs(i.acd), i.minutes]})))),
      card(`Calls (newest first${page.next ? ", first 100" : ""})`, table(["start", "trunk", "IPBX", "from", "to", {label: "duration", num: true}, "Call-ID"],
        page.items.map(c => ({cells: [c.call_start, c.carrier_trunk_id == null ? "—" : (trunkNames.get(c.carrier_trunk_id) || c.carrier_trunk_id),
          c.ipbx_id == null ? "—" : (ipbxNames.get(c.ipbx_id) || c.ipbx_id), c.from_uri, c.to_uri, c.duration, c.call_id]})))));
      if (hours.items.length)
        chart(hourCanvas, "bar", hours.items.map(i => String(key(i)).slice(0, 16).replace("T", " ")), [{label: "calls", data: hours.items.map(i => i.calls), backgroundColor: "#0b5cad"}], "calls");
      if (trunks.items.length)
        chart(trunkCanvas, "bar", trunks.items.map(trunkLabel), [
          {label: "calls", data: trunks.items.map(i => i.calls), backgroundColor: "#0b5cad", yAxisID: "y"},
          {label: "ASR %", data: trunks.items.map(i => i.asr == null ? 0 : Math.round(i.asr * 1000) / 10), backgroundColor: "#1d6b35", yAxisID: "y"},
          {label: "ACD s", data: trunks.items.map(i => i.acd == null ? 0 : Math.round(i.acd)), backgroundColor: "#7a4b00", yAxisID: "y"}]);
    } catch (e) { out.replaceChildren(failure(e)); }
  };
  form.addEventListener("submit", e => { e.preventDefault(); search(); });
  document.getElementById("cdr-csv").addEventListener("click", async () => {
    try {
      const reply = await api(`/1.0/cdrs.csv?${cdrQuery(form)}`, {raw: true});
      const url = URL.createObjectURL(await reply.blob());
      const a = el("a", {href: url, download: `cdrs-${form.elements.from.value || "all"}.csv`});
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      message("CSV downloaded.");
    } catch (e) { message(explainError(e), true); }
  });
  await search();
}

function loadRow(label, value, limit, unit) {
  const meter = limit == null ? el("span", {class: "muted", text: "no limit"})
    : el("meter", {min: 0, max: limit, low: limit * 0.7, high: limit * 0.9, optimum: 0, value: Math.min(value ?? 0, limit), "aria-label": label});
  return [el("span", {text: label}), meter, el("span", {class: "num", text: `${value ?? "—"} / ${limit ?? "∞"} ${unit}`})];
}

async function capacityPage(root) {
  root.append(el("h2", {text: "Capacity"}));
  root.append(el("p", {class: "muted", text: "Live: calls per second (the last second) and open channels against each limit; refreshed every 5 seconds."}));
  const out = el("div", {id: "capacity-answer"});
  root.append(out);
  const refresh = async () => {
    try {
      const c = await api("/1.0/capacity");
      // One card per trunk or IPBX: its live load against each of its limits.
      const loadCards = objects => objects.map(o => card(`${o.tenant}/${o.name}`, el("div", {class: "load"},
        loadRow("calls/s", o.calls_per_second, o.limits.max_calls_per_second, ""), loadRow("channels", o.open_channels, o.limits.max_channels, "")),
        el("p", {class: "muted"}, "source ", where(o.file, o.line))));
      const section = (title, id, cards, none) => [el("h3", {text: title}),
        cards.length ? el("div", {class: "grid", id}, cards) : el("p", {class: "empty", text: none})];
      out.replaceChildren(...section("Carrier trunks", "capacity-trunks", loadCards(c.trunks), "No carrier trunk."),
        ...section("IPBXs", "capacity-ipbxs", loadCards(c.ipbxs), "No IPBX."),
        el("p", {class: "muted", text: `Revision ${c.revision}, ${new Date().toISOString().slice(11, 19)} UTC`}));
    } catch (e) { out.replaceChildren(failure(e)); stopTimer(); }
  };
  await refresh();
  state.timer = setInterval(refresh, 5000);
}

const PAGES = {overview: overviewPage, revisions: revisionsPage, configuration: configurationPage, explain: explainPage,
  cdrs: cdrsPage, capacity: capacityPage};

async function route() {
  stopTimer();
  const hash = location.hash.replace(/^#/, "") || "overview";
  const [name, ...rest] = hash.split("/");
  const render = PAGES[name] || overviewPage;
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.getAttribute("href") === `#${name}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (!sessionStorage.getItem(TOKEN_KEY)) { signOut(""); return; }
  const root = el("div", {id: `page-${name in PAGES ? name : "overview"}`});
  page().replaceChildren(root);
  message("");
  try {
    await render(root, rest.join("/") || null);
  } catch (e) { root.append(failure(e)); }
  document.getElementById("main").focus({preventScroll: true});
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("sign-in-form").addEventListener("submit", e => {
    e.preventDefault();
    const input = document.getElementById("token");
    const token = input.value.trim();
    input.value = "";
    if (token) signIn(token);
  });
  document.getElementById("sign-out").addEventListener("click", () => signOut("Signed out."));
  window.addEventListener("hashchange", route);
  if (sessionStorage.getItem(TOKEN_KEY)) signIn(sessionStorage.getItem(TOKEN_KEY));
  else signOut("");
});
