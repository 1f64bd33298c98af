// Agent assist: while an agent chats, what the bot would answer the customer's last message
// (FAQ answers with their score, the verified order's status, free slots); one click puts a
// suggestion in the reply box to edit before sending. Uses console.js's helpers.
"use strict";

const assist = { key: null, busy: false };

document.addEventListener("console:session", (event) => {
  const session = asObject(event.detail);
  const mine = session.agent === state.me?.name && ["assigned", "active"].includes(session.status);
  $("assist").hidden = !mine;
  if (!mine) { assist.key = null; return; }
  const key = `${session.id}:${state.lastSeq}`;  // new messages: ask again
  if (key !== assist.key) { assist.key = key; loadAssist(session.id); }
});
$("assist-refresh").addEventListener("click", () => { if (state.selected) loadAssist(state.selected); });

async function loadAssist(sessionId) {
  if (assist.busy) return;
  assist.busy = true;
  try {
    const found = asObject(await api("GET", `/api/sessions/${encodeURIComponent(sessionId)}/assist`));
    if (sessionId !== state.selected) return;
    const coverage = asObject(found.coverage);
    const about = found.message
      ? `For "${found.message}": the bot reads ${found.intent || "nothing"}${coverage.score != null
        ? ` (coverage ${Number(coverage.score).toFixed(2)}${coverage.in_scope === false ? ", not covered" : ""})` : ""}`
      : "The customer has not written yet.";
    $("assist-about").replaceChildren(said([about, ...asList(found.problems)].join(" · ")));
    $("assist-list").replaceChildren(...asList(found.suggestions).map(asObject).map((s) => {
      const use = el("button", "small insert", "Insert");
      use.type = "button";
      use.addEventListener("click", () => {
        $("text").value = String(s.text || "");
        $("text").focus();
      });
      const score = s.score != null ? ` · ${Math.round(Number(s.score) * 100)} %` : "";
      const item = el("li", String(s.kind), el("span", "title", said(`${s.title}${score}`)), " ", use,
        el("p", "", said(s.text)));
      return item;
    }));
  } catch (error) {
    $("assist-about").textContent = `Suggestions are not available: ${error.message}`;
  } finally {
    assist.busy = false;
  }
}
