// Desk dashboard (supervisors): the desk's figures for a period and a skill, drawn with
// Chart.js (served from the service, installed from npm); the kill switch; the staffing
// forecast against what happened. Text from the API is inserted as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("agentToken"), charts: {} };
const DAY_MS = 86400000;

function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method, headers: { "Authorization": `Bearer ${state.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), { status: response.status });
  return data;
}

const pct = (value) => (value === null || value === undefined ? "–" : `${(100 * value).toFixed(1)} %`);
const num = (value, digits = 1) => (value === null || value === undefined ? "–" : Number(value).toFixed(digits));

// ---- login -------------------------------------------------------------------------
async function login(token) {
  state.token = token;
  const me = await api("GET", "/api/me");
  if (!me.supervisor) throw Object.assign(new Error("This dashboard is for supervisors."), { status: 403 });
  sessionStorage.setItem("agentToken", token);
  $("who").textContent = me.name;
  $("login").hidden = true;
  $("board").hidden = false;
  $("logout").hidden = false;
  const today = new Date();
  $("until").value = new Date(today.getTime() + DAY_MS).toISOString().slice(0, 10);
  $("since").value = new Date(today.getTime() - 27 * DAY_MS).toISOString().slice(0, 10);
  await refresh();
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await login($("token").value.trim());
  } catch (error) {
    $("login-error").textContent = error.status === 401 ? "That token is not known." : error.message;
  }
});

$("logout").addEventListener("click", () => { sessionStorage.removeItem("agentToken"); location.reload(); });

// ---- figures -----------------------------------------------------------------------
function query() {
  const params = new URLSearchParams({ since: $("since").value, until: $("until").value });
  if ($("skill").value) params.set("skill", $("skill").value);
  return params;
}

function chart(id, config) {
  if (state.charts[id]) state.charts[id].destroy();
  config.options = { animation: false, responsive: true, maintainAspectRatio: false, ...config.options };
  state.charts[id] = new Chart($(id), config);
}

function tiles(f) {
  const rows = [
    ["Contained (no person)", pct(f.containment.rate)], ["Resolved by the bot", pct(f.containment.resolved_rate)],
    ["Handed to a person", pct(f.containment.handoff_rate)], ["Error rate", pct(f.error_rate.rate)],
    ["Abandoned in the bot", pct(f.containment.abandoned_in_bot_rate)],
    ["Abandoned in the queue", pct(f.containment.abandoned_in_queue_rate)],
    ["CSAT bot alone", num(f.csat.bot_only.average, 2)], ["CSAT after an agent", num(f.csat.after_agent.average, 2)],
    ["Bot turn (s, mean)", num(f.speed.bot_turn_latency_seconds.mean, 2)],
    ["Time to agent (s, p50)", num(f.speed.time_to_agent_seconds.p50)],
    ["Cost per conversation", `${num(f.cost.per_conversation, 2)} ${f.cost.currency}`],
    ["Savings vs all-human", `${num(f.cost.savings, 0)} ${f.cost.currency}`],
  ];
  $("tiles").replaceChildren(...rows.map(([label, value]) => el("div", "tile", el("strong", "", value), el("span", "", label))));
}

function skills(f) {
  const known = new Set([...$("skill").options].map((o) => o.value));
  for (const skill of Object.keys(f.task_completion.by_skill).concat(Object.keys(f.by_skill || {}))) {
    if (!known.has(skill)) { $("skill").append(new Option(skill, skill)); known.add(skill); }
  }
}

function draw(f) {
  const days = f.series.map((d) => d.day);
  chart("chart-days", { type: "line", data: { labels: days, datasets: [
    { label: "conversations", data: f.series.map((d) => d.conversations), borderColor: "#3366cc" },
    { label: "resolved by the bot", data: f.series.map((d) => d.resolved_by_bot), borderColor: "#1a7f37" },
    { label: "to a person", data: f.series.map((d) => d.handed_off), borderColor: "#e0413a" },
    { label: "abandoned in the bot", data: f.series.map((d) => d.abandoned_in_bot), borderColor: "#f0a030" },
  ] } });
  const triggers = f.containment.handoff_by_trigger;
  chart("chart-triggers", { type: "bar", data: { labels: Object.keys(triggers), datasets: [
    { label: "handoffs", data: Object.values(triggers), backgroundColor: "#e0413a" }] } });
  const bySkill = f.task_completion.by_skill;
  chart("chart-tasks", { type: "bar", data: { labels: Object.keys(bySkill), datasets: [
    { label: "tasks completed", data: Object.values(bySkill).map((s) => s.tasks_completed), backgroundColor: "#1a7f37" },
    { label: "FAQs answered", data: Object.values(bySkill).map((s) => s.faq_answered), backgroundColor: "#3366cc" },
    { label: "conversations", data: Object.values(bySkill).map((s) => s.conversations), backgroundColor: "#c8d3e6" },
  ] } });
  const cost = f.cost;
  chart("chart-cost", { type: "bar", data: { labels: ["agents", "bot", "infrastructure", "corrections", "all-human baseline"],
    datasets: [{ label: cost.currency, data: [cost.agents, cost.bot, cost.infrastructure, cost.corrections || 0,
      cost.all_human_baseline], backgroundColor: ["#e0413a", "#3366cc", "#777", "#f0a030", "#c8d3e6"] }] } });
  const rules = Object.entries(f.load_rules);
  $("rules").replaceChildren(...(rules.length ? rules.map(([rule, count]) => el("li", "", `${rule}: ${count}`))
    : [el("li", "muted", "none in this period")]));
}

async function staffing() {
  const skill = $("skill").value ? `?skill=${encodeURIComponent($("skill").value)}` : "";
  const s = await api("GET", `/api/staffing${skill}`);
  $("staffing-note").textContent = `${Math.round(100 * s.service_level)} % answered within ${s.answer_within_seconds} s; `
    + `handle time ${Math.round(s.handle_seconds)} s (from the ${s.handle_time_from}); peak ${s.peak_agents} agents; `
    + `history: ${s.history_weeks} weeks`;
  chart("chart-staffing", { data: { labels: s.hours.map((h) => h.label), datasets: [
    { type: "bar", label: "agents needed", data: s.hours.map((h) => h.agents_needed), backgroundColor: "#c8d3e6" },
    { type: "line", label: "arrivals forecast", data: s.hours.map((h) => h.forecast_arrivals), borderColor: "#3366cc" },
    { type: "line", label: "arrivals actual", data: s.hours.map((h) => h.actual_arrivals), borderColor: "#e0413a" },
  ] } });
}

async function switches() {
  const found = await api("GET", "/api/kill-switch");
  $("switch-state").replaceChildren(found.off.length
    ? el("span", "off", `The bot is OFF for: ${found.off.join(", ")}`) : el("span", "on", "The bot is on for every skill"));
  $("switches").replaceChildren(...found.switches.map((s) => el("li", "",
    `${s.skill}: ${s.enabled ? "off" : "on"} since ${new Date(s.changed_at).toLocaleString()} by ${s.actor} (${s.source}): ${s.reason}`)));
}

async function refresh() {
  $("board-error").textContent = "";
  try {
    const f = await api("GET", `/api/metrics?${query()}`);
    $("csv").href = `/api/metrics?${query()}&format=csv`;
    skills(f);
    tiles(f);
    draw(f);
    await Promise.all([staffing(), switches()]);
    $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $("board-error").textContent = error.message;
  }
}

$("filters").addEventListener("submit", (event) => { event.preventDefault(); refresh(); });

// The CSV link needs the token: fetch it and hand the browser a file.
$("csv").addEventListener("click", async (event) => {
  event.preventDefault();
  const response = await fetch($("csv").href, { headers: { "Authorization": `Bearer ${state.token}` } });
  const link = el("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = "desk-metrics.csv";
  link.click();
});

async function flip(enabled) {
  try {
    await api("PUT", "/api/kill-switch", { skill: $("switch-skill").value.trim(), enabled,
                                           reason: $("switch-reason").value.trim() });
    await switches();
  } catch (error) {
    $("board-error").textContent = error.message;
  }
}
$("switch-off").addEventListener("click", () => flip(true));
$("switch-on").addEventListener("click", () => flip(false));

if (state.token) login(state.token).catch(() => { sessionStorage.removeItem("agentToken"); });
