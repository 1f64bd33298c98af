// Quality review in the console: conversations by score (worst first) with filters, the
// transcript with each finding on its turn, a "mark" control on every bot answer (here and
// in a chat's context), and the corrections (supervisors approve or reject them).
// Uses console.js's helpers (api, el, said, $, asList, asObject); all text goes in as text.
"use strict";

const KINDS = ["task_failed", "fallback", "out_of_coverage", "customer_repeated", "sentiment_dropped", "late_handoff",
  "faq_handoff", "slow_pickup", "slow_agent_reply", "agent_repeated_details", "no_apology", "personal_data",
  "low_rating", "task_completed", "rating"];
const INFO_KINDS = new Set(["task_completed", "rating"]);  // reported, not faults
const CORRECTION_KINDS = { wrong_answer: "wrong answer", should_handoff: "should have handed off here",
  should_not_handoff: "should not have handed off" };
const review = { open: false, selected: null, catalogue: null, tab: "conversations" };

document.addEventListener("console:login", (event) => {
  const me = asObject(event.detail);
  $("review-open").hidden = false;
  $("filter-agent-label").hidden = !me.supervisor;
  $("tab-corrections").textContent = me.supervisor ? "Corrections to approve" : "My corrections";
});

for (const kind of KINDS) $("filter-finding").append(el("option", "", kind.replaceAll("_", " ")));
[...$("filter-finding").options].slice(1).forEach((option, i) => { option.value = KINDS[i]; });

$("review-open").addEventListener("click", () => {
  review.open = !review.open;
  $("review").hidden = !review.open;
  $("desk").hidden = review.open;
  $("review-open").textContent = review.open ? "Back to the desk" : "Review";
  if (review.open) showTab(review.tab);
});
$("review-filters").addEventListener("change", () => loadReviews().catch(reviewError));
$("review-filters").addEventListener("submit", (event) => { event.preventDefault(); loadReviews().catch(reviewError); });
$("tab-conversations").addEventListener("click", () => showTab("conversations"));
$("tab-corrections").addEventListener("click", () => showTab("corrections"));

function reviewError(error) { $("review-error").textContent = error.message; }

function showTab(tab) {
  review.tab = tab;
  $("tab-conversations").classList.toggle("active", tab === "conversations");
  $("tab-corrections").classList.toggle("active", tab === "corrections");
  $("review-filters").hidden = $("review-list").hidden = tab !== "conversations";
  $("corrections-list").hidden = tab !== "corrections";
  $("review-empty").hidden = $("corrections-empty").hidden = true;
  (tab === "conversations" ? loadReviews() : loadCorrections()).catch(reviewError);
}

function scoreBadge(score) {
  const value = Number(score);
  return el("span", `score ${value < 50 ? "bad" : value < 80 ? "fair" : "good"}`, Math.round(value));
}

// ---- conversations by score -----------------------------------------------------------
async function loadReviews() {
  const query = new URLSearchParams();
  const add = (name, value) => { if (value) query.set(name, value); };
  add("finding", $("filter-finding").value);
  add("skill", $("filter-skill").value.trim());
  if (!$("filter-agent-label").hidden) add("agent", $("filter-agent").value.trim());
  add("day", $("filter-day").value);
  if ($("filter-flagged").checked) query.set("flagged", "true");
  const results = asList((await api("GET", `/api/qa?${query}`)).results);
  $("review-list").replaceChildren(...results.map(asObject).map((r) => {
    const faults = asList(r.findings).map(asObject).filter((f) => !INFO_KINDS.has(f.kind));
    const kinds = [...new Set(faults.map((f) => String(f.kind).replaceAll("_", " ")))];
    const item = el("li", r.conversation_id === review.selected ? "selected" : "", scoreBadge(r.score), " ",
      el("strong", "", said(r.conversation_id)), r.flagged ? el("span", "escalated", " flagged") : "",
      el("div", "meta", said([r.agent ? `agent ${r.agent}` : "bot only", r.skill,
        r.ended_at ? new Date(r.ended_at).toLocaleString() : ""].filter(Boolean).join(" · "))),
      el("div", "meta", said(kinds.join(", ") || "no findings")));
    item.dataset.conversation = String(r.conversation_id);
    item.addEventListener("click", () => showReview(String(r.conversation_id)).catch(reviewError));
    return item;
  }));
  $("review-empty").hidden = results.length > 0;
}

async function showReview(id) {
  review.selected = id;
  $("review-error").textContent = "";
  for (const item of $("review-list").children) item.classList.toggle("selected", item.dataset.conversation === id);
  const r = asObject(await api("GET", `/api/qa/${encodeURIComponent(id)}`));
  $("review-title").replaceChildren(said(r.conversation_id));
  $("review-score").replaceChildren(scoreBadge(r.score), said(` ${r.flagged ? "flagged · " : ""}${r.turns} turns${
    r.agent ? " · agent " + r.agent : " · bot only"}${r.skill ? " · " + r.skill : ""}`));
  const lines = asList(r.lines).map(asObject);
  const items = lines.map((line) => {
    const speaker = ["customer", "bot", "agent"].includes(line.speaker) ? line.speaker : "";
    const item = el("li", speaker, el("div", "meta", said(`turn ${line.turn} · ${line.speaker}${
      line.intent ? " · " + line.intent : ""}${line.sentiment != null ? " · sentiment " + line.sentiment : ""}`)),
      said(line.text));
    item.dataset.turn = String(line.turn);
    if (speaker === "bot" && Number(line.turn) > 0) markControl(item, r.conversation_id, Number(line.turn));
    return item;
  });
  for (const finding of asList(r.findings).map(asObject)) {
    const at = items.find((item) => item.dataset.turn === String(finding.turn));
    const mark = el("span", `finding ${INFO_KINDS.has(finding.kind) ? "info" : ""}`,
      said(`${String(finding.kind).replaceAll("_", " ")}: ${finding.detail}${finding.evidence ? " — " + finding.evidence : ""}`));
    mark.dataset.kind = String(finding.kind);
    if (at) at.append(mark); else $("review-score").append(mark);
  }
  $("review-transcript").replaceChildren(...items);
}

// ---- marking a bot answer ------------------------------------------------------------------
async function catalogue() {
  if (!review.catalogue) review.catalogue = asObject(await api("GET", "/api/catalogue"));
  return review.catalogue;
}

function markControl(item, conversation, turn) {
  const button = el("button", "mark", "Mark");
  button.type = "button";
  button.title = "this answer was wrong, or a person should (not) have taken over here";
  button.addEventListener("click", () => openMarkForm(item, button, conversation, turn).catch(reviewError));
  item.querySelector(".meta")?.append(button);
}

async function openMarkForm(item, button, conversation, turn) {
  const known = await catalogue();
  const form = $("mark-form").content.firstElementChild.cloneNode(true);
  const expected = form.querySelector(".mark-expected");
  expected.append(el("option", "", "we do not cover this (out of scope)"));
  expected.lastChild.value = "out_of_scope";
  for (const faq of asList(known.faqs).map(asObject)) {
    const option = el("option", "", `FAQ: ${String(faq.key).replace(/^faq\//, "").replaceAll("_", " ")}`);
    option.value = String(faq.key);
    option.title = String(faq.answer || "");
    expected.append(option);
  }
  for (const intent of asList(known.intents)) {
    const option = el("option", "", `intent: ${intent}`);
    option.value = String(intent);
    expected.append(option);
  }
  const kind = form.querySelector(".mark-kind");
  kind.addEventListener("change", () => { expected.hidden = kind.value !== "wrong_answer"; });
  form.querySelector(".mark-cancel").addEventListener("click", () => { form.remove(); button.hidden = false; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { conversation_id: conversation, turn, kind: kind.value, note: form.querySelector(".mark-note").value };
    if (kind.value === "wrong_answer") body.expected = expected.value;
    try {
      await api("POST", "/api/corrections", body);
      form.replaceWith(el("div", "marked", said(`marked: ${CORRECTION_KINDS[kind.value]}${
        body.expected ? " (" + body.expected + ")" : ""} · waiting for approval`)));
    } catch (error) { reviewError(error); showError(error); }
  });
  button.hidden = true;
  item.append(form);
}

// In a chat: the bot's answers before the transfer can be marked too.
document.addEventListener("console:context", (event) => {
  const context = asObject(event.detail);
  let turn = 0;
  for (const item of $("transcript").children) {
    if (item.classList.contains("customer")) turn += 1;
    if (item.classList.contains("bot") && turn > 0) markControl(item, String(context.conversation_id), turn);
  }
});

// ---- corrections and their approval ----------------------------------------------------------
async function loadCorrections() {
  const supervisor = Boolean(state.me && state.me.supervisor);
  const found = asList((await api("GET", `/api/corrections${supervisor ? "?status=pending" : ""}`)).corrections);
  $("corrections-list").replaceChildren(...found.map(asObject).map((c) => {
    const item = el("li", "",
      el("strong", "", said(`${CORRECTION_KINDS[c.kind] || c.kind}${c.expected ? " → " + c.expected : ""}`)),
      el("span", "meta", said(` · ${c.status}`)),
      el("div", "", said(`customer (turn ${c.turn}): ${c.text}`)),
      el("div", "meta", said(`bot: ${c.answered}`)),
      el("div", "meta", said(`${c.author} · ${new Date(c.created_at).toLocaleString()}${c.note ? " · " + c.note : ""}${
        c.decided_by ? " · decided by " + c.decided_by : ""}`)));
    item.dataset.correction = String(c.id);
    item.addEventListener("dblclick", () => { showTab("conversations"); showReview(String(c.conversation_id)).catch(reviewError); });
    if (supervisor && c.status === "pending") {
      for (const [label, path] of [["Approve", "approve"], ["Reject", "reject"]]) {
        const button = el("button", path, label);
        button.type = "button";
        button.addEventListener("click", async () => {
          try {
            await api("POST", `/api/corrections/${encodeURIComponent(c.id)}/${path}`, {});
            await loadCorrections();
          } catch (error) { reviewError(error); }
        });
        item.append(" ", button);
      }
    }
    return item;
  }));
  $("corrections-empty").hidden = found.length > 0;
}
