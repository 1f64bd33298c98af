// Who is talking on the web widget.
//
// During a handoff, a person's messages reach the widget with metadata
// {agent_name, customCss: {style: "class", css: "rw-agent-message"}} (bot/channels/speaker.py);
// rasa-webchat gives their bubble that class. This script puts the person's name on the
// bubble (a data attribute shown by CSS, so it is never read as HTML) and gives it its own
// look; the desk's notices ("Sam from our team has joined the chat.", "You're back with
// the shop assistant now.") arrive with the class rw-handoff-notice.
// Use: load this file, then pass AgentMessages.socketEvents as the widget's onSocketEvent.
(function () {
  "use strict";
  const names = [];  // agent names in the order their messages arrived on the socket
  const style = document.createElement("style");
  style.textContent = `
    .rw-response.rw-agent-message { background: #e7f5ee; color: #123524; border-left: 3px solid #1f8a5b; }
    .rw-response.rw-agent-message::before {
      content: attr(data-agent) " \\00B7  our team"; display: block; margin-bottom: .25rem;
      font-size: .75rem; font-weight: 600; color: #1f8a5b; }
    .rw-response.rw-handoff-notice { background: transparent; color: #5b6475; font-style: italic;
      font-size: .85rem; box-shadow: none; border: 1px dashed #c5cad3; }
  `;
  document.head.appendChild(style);

  function label() {
    document.querySelectorAll(".rw-response.rw-agent-message:not([data-agent])").forEach((bubble) => {
      bubble.setAttribute("data-agent", names.length ? names.shift() : "A person");
    });
  }
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });

  window.AgentMessages = {
    socketEvents: {
      bot_uttered(message) {
        const meta = (message && message.metadata) || {};
        if (meta.agent_name && meta.customCss) names.push(String(meta.agent_name).slice(0, 40));
      },
    },
  };
})();
