// Agent console: the queue, a chat pane and the context of the selected session.
// Every string from customers or the bot is inserted as text, never as HTML, inside
// <bdi> (right-to-left overrides stay inside it) with invisible characters made visible.
// One odd session never blanks the desk: each item renders on its own.
"use strict";

const POLL_MS = 1500;        // without the websocket
const BACKUP_POLL_MS = 10000; // with it, in case a push is missed
const state = { token: sessionStorage.getItem("agentToken"), me: null, selected: null, lastSeq: 0,
                known: null, unseen: 0, timer: null, socket: null, pending: false, unsettled: new Set() };
const DELIVERY = { sending: "sending…", delivered: "delivered", failed: "failed: the customer did not get it" };
const $ = (id) => document.getElementById(id);

function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

// Zero-width and bidirectional control characters: shown as a visible mark, never obeyed.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const SHOWN_CHARS = 5000;  // the service caps messages; this caps anything else on screen

function said(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
  const cut = text.length > SHOWN_CHARS ? text.slice(0, SHOWN_CHARS) + "…" : text;
  const node = document.createElement("bdi");
  let last = 0;
  for (const match of cut.matchAll(INVISIBLE)) {
    node.append(cut.slice(last, match.index));
    const code = match[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
    node.append(el("span", "invisible", `U+${code}`));
    last = match.index + match[0].length;
  }
  node.append(cut.slice(last));
  return node;
}

const asList = (value) => (Array.isArray(value) ? value : []);
const asObject = (value) => (value && typeof value === "object" && !Array.isArray(value) ? value : {});

async function api(method, path, body) {
  const response = await fetch(path, {
    method, headers: { "Authorization": `Bearer ${state.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), { status: response.status });
  return data;
}

function minutesSince(iso) {
  const minutes = Math.floor((Date.now() - Date.parse(iso)) / 60000);
  return minutes < 1 ? "just now" : `${minutes} min`;
}

// ---- login -------------------------------------------------------------------------
async function login(token) {
  state.token = token;
  try {
    state.me = await api("GET", "/api/me");
  } catch (error) {
    $("login-error").textContent = error.status === 401 ? "That token is not known." : error.message;
    state.token = null;
    return;
  }
  sessionStorage.setItem("agentToken", token);
  $("login").hidden = true;
  $("desk").hidden = false;
  $("logout").hidden = false;
  $("who").replaceChildren(said(`${state.me.name} (${asList(state.me.skills).join(", ")})`));
  announce("login", state.me);
  await refresh();
  connect();
  poll();
}

function poll() {
  clearTimeout(state.timer);
  const live = state.socket && state.socket.readyState === WebSocket.OPEN;
  state.timer = setTimeout(async () => { await refresh().catch(showError); poll(); }, live ? BACKUP_POLL_MS : POLL_MS);
}

// ---- live updates: the service pushes session changes and messages --------------------
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/api/ws`);  // the token goes in the first message
  state.socket = socket;
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ type: "auth", token: state.token }));
    $("live").textContent = "live";
    poll();
  });
  socket.addEventListener("message", () => refreshSoon());
  const ping = setInterval(() => { if (socket.readyState === WebSocket.OPEN) socket.send("ping"); }, 30000);
  socket.addEventListener("close", () => {
    clearInterval(ping);
    $("live").textContent = "reconnecting…";
    poll();
    setTimeout(connect, 3000);
  });
}

function refreshSoon() {
  if (state.pending) return;
  state.pending = true;
  setTimeout(() => { state.pending = false; refresh().catch(showError); }, 50);
}

$("login").addEventListener("submit", (event) => { event.preventDefault(); login($("token").value.trim()); });
$("logout").addEventListener("click", () => { sessionStorage.removeItem("agentToken"); location.reload(); });

// ---- queue -------------------------------------------------------------------------
async function refresh() {
  const sessions = asList((await api("GET", "/api/sessions")).sessions).filter((s) => s && typeof s.id === "string");
  const queued = sessions.filter((s) => s.status === "queued").map((s) => s.id);
  if (state.known !== null) {
    const fresh = queued.filter((id) => !state.known.has(id));
    if (fresh.length) { state.unseen += fresh.length; chime(); }
  }
  state.known = new Set(queued);
  const escalations = sessions.reduce((sum, s) => sum + (s.status === "queued" ? Number(s.escalated) || 0 : 0), 0);
  if (state.me.supervisor && state.escalations !== undefined && escalations > state.escalations) {
    state.unseen += escalations - state.escalations;  // supervisors are alerted to waits nobody took
    chime();
  }
  state.escalations = escalations;
  showBadge();
  renderQueue(sessions);
  if (state.selected) await refreshSelected();
  await refreshFigures().catch((error) => console.warn("figures:", error));  // the queue matters more
}

const FIGURES_EVERY_MS = 30_000;

async function refreshFigures() {
  if (state.figuresAt && Date.now() - state.figuresAt < FIGURES_EVERY_MS) return;
  state.figuresAt = Date.now();
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const f = await api("GET", `/api/metrics?since=${encodeURIComponent(midnight.toISOString())}`);
  const parts = [`Today: ${f.sessions} conversation${f.sessions === 1 ? "" : "s"}`,
    `${f.waiting_now.customers} waiting`];
  if (f.time_to_agent_seconds.p50 !== null) parts.push(`time to agent ${Math.round(f.time_to_agent_seconds.p50)} s (p50)`);
  if (f.rating.average !== null) parts.push(`rating ${f.rating.average}/5 (${f.rating.count})`);
  if (f.containment && f.containment.rate !== null) parts.push(`bot contained ${Math.round(100 * f.containment.rate)} %`);
  $("figures").textContent = parts.join(" · ");
  const switches = await api("GET", "/api/kill-switch");  // everyone on the desk sees when the bot is off
  $("kill-switch").hidden = switches.off.length === 0;
  $("kill-switch").textContent = `The bot is switched off for: ${switches.off.join(", ")}. New questions come to the desk.`;
  $("dashboard-link").hidden = !state.me.supervisor;
}

function showBadge() {
  $("badge").hidden = state.unseen === 0;
  $("badge").textContent = `${state.unseen} new`;
  document.title = state.unseen ? `(${state.unseen}) Agent console` : "Agent console";
}

function chime() {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.connect(audio.destination);
    tone.frequency.value = 880;
    tone.start();
    tone.stop(audio.currentTime + 0.15);
  } catch (error) { /* no sound before the page was touched: the badge still shows */ }
}

function renderQueue(sessions) {
  const list = $("queue");
  list.replaceChildren(...sessions.map((session) => {
    let item;
    try {
      item = queueItem(session);
    } catch (error) {  // one odd session shows as such; the others still show
      console.warn("session", session.id, error);
      item = el("li", "", el("strong", "", said(session.id)), el("div", "meta", "this session could not be shown"));
    }
    item.dataset.session = session.id;
    item.addEventListener("click", () => select(session.id));
    return item;
  }));
  $("queue-empty").hidden = sessions.length > 0;
}

function queueItem(session) {
  const reason = asObject(asList(asObject(session.context).reasons)[0]);
  const priority = String(session.priority);
  return el("li", session.id === state.selected ? "selected" : "",
    el("span", `priority ${/^[a-z]+$/.test(priority) ? priority : ""}`, priority), " ",
    session.escalated ? el("span", "escalated", `escalated ×${session.escalated} `) : "",
    session.status === "queued" && session.left_message_at
      ? el("span", "message-only", "message · not waiting in the chat ") : "",
    el("strong", "", said(session.conversation_id)), " ",
    el("span", "meta", `${session.status}${session.agent ? " · " + session.agent : ""} · waiting ${minutesSince(session.created_at)}`),
    el("div", "meta", said(reason.detail || reason.trigger || "")));
}

// ---- selected session ----------------------------------------------------------------
async function select(id) {
  state.selected = id;
  $("chat-status").textContent = "";
  state.lastSeq = 0;
  state.unsettled.clear();
  state.unseen = 0;
  showBadge();
  $("messages").replaceChildren();
  const { session, messages } = await api("GET", `/api/sessions/${encodeURIComponent(id)}`);
  try {
    renderContext(asObject(session.context));
  } catch (error) {
    showError(new Error("The context of this conversation could not be shown."));
  }
  renderSession(session);
  appendMessages(asList(messages));
  announce("session", session);
  for (const item of $("queue").children) item.classList.toggle("selected", item.dataset.session === id);
}

async function refreshSelected() {
  const id = state.selected;
  // From the oldest message still sending, so its delivery state is updated in place.
  const after = state.unsettled.size ? Math.min(...state.unsettled) - 1 : state.lastSeq;
  const { session, messages, relay } = await api("GET", `/api/sessions/${encodeURIComponent(id)}?after=${after}`);
  if (id !== state.selected) return;
  renderSession(session, relay);
  appendMessages(asList(messages));
  announce("session", session);
}

function renderSession(session, relay) {
  const pending = Number(relay && relay.pending) || 0;
  const waiting = pending > 0 ? ` · ${pending} more customer messages on the way` : "";
  $("chat-title").replaceChildren(said(session.conversation_id), ` · ${session.status}${waiting}`);
  const mine = session.agent === state.me.name;
  const open = ["queued", "assigned", "active"].includes(session.status);
  // a customer's request to delete their data: a supervisor confirms it here (the privacy queue)
  const erasable = Boolean(state.me.supervisor) && session.skill === "privacy";
  $("chat-actions").hidden = !open && !erasable;
  $("erase").hidden = !erasable;
  $("accept").hidden = session.status !== "queued";
  $("return").hidden = $("end").hidden = !(mine && open && session.status !== "queued");
  $("compose").hidden = !(mine && ["assigned", "active"].includes(session.status));
}

function appendMessages(messages) {
  for (const message of messages) {
    const who = message.sender === "agent" ? message.author : message.sender;
    const seq = Number(message.seq) || 0;
    const status = Object.hasOwn(DELIVERY, message.status) ? message.status : "";
    const delivery = status ? ` · ${DELIVERY[status]}` : "";
    const item = el("li", String(message.sender),
                    el("div", "meta", said(`${who} · ${new Date(message.at).toLocaleTimeString()}`), delivery),
                    said(message.text));
    item.dataset.seq = String(seq);
    if (status) item.dataset.status = status;
    const shown = [...$("messages").children].find((li) => li.dataset.seq === String(seq));
    if (shown) shown.replaceWith(item); else $("messages").append(item);
    if (status === "sending") state.unsettled.add(seq); else state.unsettled.delete(seq);
    state.lastSeq = Math.max(state.lastSeq, seq);
  }
  $("messages").lastElementChild?.scrollIntoView({ block: "end" });
}

// Other parts of the console (review.js, assist.js) listen for "console:<what>" events.
function announce(what, detail) { document.dispatchEvent(new CustomEvent(`console:${what}`, { detail })); }

function renderContext(context) {
  $("summary").replaceChildren(said(context.summary || ""));
  $("reasons").replaceChildren(...asList(context.reasons).map(asObject).map((r) =>
    el("li", "", el("strong", "", said(r.trigger)), " ", said(`(${r.skill}, ${r.priority}) turn ${r.turn}: ${r.detail}`), " ",
       el("span", "meta", `value ${r.value} / threshold ${r.threshold}`))));
  drawSentiment(asList(context.sentiment));
  $("slots").replaceChildren(...Object.entries(asObject(context.slots)).map(([name, value]) =>
    el("tr", "", el("td", "", said(name)), el("td", "", said(value)))));
  $("transcript").replaceChildren(...asList(context.transcript).map(asObject).map((line) =>
    el("li", ["customer", "bot", "agent"].includes(line.speaker) ? line.speaker : "", el("div", "meta", said(`${line.speaker}${line.intent ? " · " + line.intent : ""}${
      line.sentiment != null ? " · sentiment " + line.sentiment : ""}`)), said(line.text))));
  announce("context", context);
}

function drawSentiment(scores) {
  const svg = $("sentiment");
  const ns = "http://www.w3.org/2000/svg";
  const width = 300 / Math.max(scores.length, 1);
  const axis = document.createElementNS(ns, "line");
  Object.entries({ x1: 0, x2: 300, y1: 40, y2: 40, stroke: "#999" }).forEach(([k, v]) => axis.setAttribute(k, v));
  svg.replaceChildren(axis, ...scores.map((score, i) => {
    const bar = document.createElementNS(ns, "rect");
    const value = Number(score) || 0;
    const height = Math.abs(value) * 38;
    Object.entries({ x: i * width + 2, width: Math.max(width - 4, 2), y: value >= 0 ? 40 - height : 40,
                     height: Math.max(height, 1), fill: value < -0.3 ? "#e0413a" : value > 0.3 ? "#3a9d5d" : "#999" })
      .forEach(([k, v]) => bar.setAttribute(k, v));
    const title = document.createElementNS(ns, "title");
    title.textContent = `turn ${i + 1}: ${score}`;
    bar.append(title);
    return bar;
  }));
}

// ---- actions ---------------------------------------------------------------------------
function showError(error) { $("chat-error").textContent = error.message; }

async function act(path, body) {
  $("chat-error").textContent = "";
  try {
    await api("POST", `/api/sessions/${encodeURIComponent(state.selected)}${path}`, body);
    await refresh();
  } catch (error) { showError(error); }
}

$("accept").addEventListener("click", () => act("/accept", {}));
$("erase").addEventListener("click", async () => {
  if (!window.confirm("Erase everything this customer said and did (the chat, the bot's record, bookings)? "
                      + "Confirm who they are first. This cannot be undone.")) return;
  $("chat-error").textContent = "";
  try {
    const { erased } = await api("POST", `/api/sessions/${encodeURIComponent(state.selected)}/erase`, { confirm: true });
    const counts = Object.entries(asObject(erased.deleted)).map(([store, n]) => `${store} ${Number(n) || 0}`);
    state.selected = null;
    $("chat-actions").hidden = $("compose").hidden = true;
    $("messages").replaceChildren();
    renderContext({});
    $("chat-title").textContent = "Erased";
    $("chat-status").textContent = `Erased (${counts.join(", ")}); keep ${String(erased.request)} with the request.`;
    await refresh();
  } catch (error) { showError(error); }
});
$("return").addEventListener("click", () => act("/close", { return_to_bot: true }));
$("end").addEventListener("click", () => act("/close", { return_to_bot: false }));
$("compose").addEventListener("submit", (event) => { event.preventDefault(); send("/messages"); });
$("note").addEventListener("click", () => send("/notes"));
$("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send("/messages"); }
});

async function send(path) {
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  if (path !== "/messages") return act(path, { text });
  // One id per message from the start: retries after a dropped connection cannot send it twice.
  const id = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await api("POST", `/api/sessions/${encodeURIComponent(state.selected)}/messages`, { text, id });
      $("chat-error").textContent = "";
      return refresh();
    } catch (error) {
      const retry = !error.status || error.status >= 502;  // no answer, or Rasa did not answer
      if (!retry || attempt >= 5) { showError(error); return refresh().catch(showError); }
      $("chat-error").textContent = "reconnecting… your message is kept and will be sent once";
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
    }
  }
}

if (state.token) login(state.token);
