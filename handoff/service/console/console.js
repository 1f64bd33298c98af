// Agent console: the queue, a chat pane and the context of the selected session.
// Every string from customers or the bot is inserted as text, never as HTML.
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
  $("who").textContent = `${state.me.name} (${state.me.skills.join(", ")})`;
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
  const socket = new WebSocket(`${scheme}://${location.host}/api/ws?token=${encodeURIComponent(state.token)}`);
  state.socket = socket;
  socket.addEventListener("open", () => { $("live").textContent = "live"; poll(); });
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
  const { sessions } = await api("GET", "/api/sessions");
  const queued = sessions.filter((s) => s.status === "queued").map((s) => s.id);
  if (state.known !== null) {
    const fresh = queued.filter((id) => !state.known.has(id));
    if (fresh.length) { state.unseen += fresh.length; chime(); }
  }
  state.known = new Set(queued);
  const escalations = sessions.reduce((sum, s) => sum + (s.status === "queued" ? s.escalated : 0), 0);
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
  $("figures").textContent = parts.join(" · ");
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
    const reason = (session.context.reasons || [])[0] || {};
    const item = el("li", session.id === state.selected ? "selected" : "",
      el("span", `priority ${session.priority}`, session.priority), " ",
      session.escalated ? el("span", "escalated", `escalated ×${session.escalated} `) : "",
      session.status === "queued" && session.left_message_at
        ? el("span", "message-only", "message · not waiting in the chat ") : "",
      el("strong", "", session.conversation_id), " ",
      el("span", "meta", `${session.status}${session.agent ? " · " + session.agent : ""} · waiting ${minutesSince(session.created_at)}`),
      el("div", "meta", reason.detail || reason.trigger || ""));
    item.dataset.session = session.id;
    item.addEventListener("click", () => select(session.id));
    return item;
  }));
  $("queue-empty").hidden = sessions.length > 0;
}

// ---- selected session ----------------------------------------------------------------
async function select(id) {
  state.selected = id;
  state.lastSeq = 0;
  state.unsettled.clear();
  state.unseen = 0;
  showBadge();
  $("messages").replaceChildren();
  const { session, messages } = await api("GET", `/api/sessions/${encodeURIComponent(id)}`);
  renderContext(session.context);
  renderSession(session);
  appendMessages(messages);
  for (const item of $("queue").children) item.classList.toggle("selected", item.dataset.session === id);
}

async function refreshSelected() {
  const id = state.selected;
  // From the oldest message still sending, so its delivery state is updated in place.
  const after = state.unsettled.size ? Math.min(...state.unsettled) - 1 : state.lastSeq;
  const { session, messages, relay } = await api("GET", `/api/sessions/${encodeURIComponent(id)}?after=${after}`);
  if (id !== state.selected) return;
  renderSession(session, relay);
  appendMessages(messages);
}

function renderSession(session, relay) {
  const waiting = relay && relay.pending ? ` · ${relay.pending} more customer messages on the way` : "";
  $("chat-title").textContent = `${session.conversation_id} · ${session.status}${waiting}`;
  const mine = session.agent === state.me.name;
  const open = ["queued", "assigned", "active"].includes(session.status);
  $("chat-actions").hidden = !open;
  $("accept").hidden = session.status !== "queued";
  $("return").hidden = $("end").hidden = !(mine && open && session.status !== "queued");
  $("compose").hidden = !(mine && ["assigned", "active"].includes(session.status));
}

function appendMessages(messages) {
  for (const message of messages) {
    const who = message.sender === "agent" ? message.author : message.sender;
    const delivery = message.status ? ` · ${DELIVERY[message.status] || message.status}` : "";
    const item = el("li", message.sender, el("div", "meta", `${who} · ${new Date(message.at).toLocaleTimeString()}${delivery}`),
                    message.text);
    item.dataset.seq = message.seq;
    if (message.status) item.dataset.status = message.status;
    const shown = [...$("messages").children].find((li) => li.dataset.seq === String(message.seq));
    if (shown) shown.replaceWith(item); else $("messages").append(item);
    if (message.status === "sending") state.unsettled.add(message.seq); else state.unsettled.delete(message.seq);
    state.lastSeq = Math.max(state.lastSeq, message.seq);
  }
  $("messages").lastElementChild?.scrollIntoView({ block: "end" });
}

function renderContext(context) {
  $("summary").textContent = context.summary || "";
  $("reasons").replaceChildren(...(context.reasons || []).map((r) =>
    el("li", "", el("strong", "", r.trigger), ` (${r.skill}, ${r.priority}) turn ${r.turn}: ${r.detail} `,
       el("span", "meta", `value ${r.value} / threshold ${r.threshold}`))));
  drawSentiment(context.sentiment || []);
  $("slots").replaceChildren(...Object.entries(context.slots || {}).map(([name, value]) =>
    el("tr", "", el("td", "", name), el("td", "", typeof value === "string" ? value : JSON.stringify(value)))));
  $("transcript").replaceChildren(...(context.transcript || []).map((line) =>
    el("li", line.speaker, el("div", "meta", `${line.speaker}${line.intent ? " · " + line.intent : ""}${
      line.sentiment != null ? " · sentiment " + line.sentiment : ""}`), line.text)));
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
