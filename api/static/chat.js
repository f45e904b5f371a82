// The console's chat mode: the turns of the conversation on screen, typed one by one with a role
// or pasted as a transcript ("고객: …" / "상담사: …"). The page sends the whole chat to
// POST /v1/assist; this module holds the turns and draws what only a chat answer has: the
// procedure step, the hand-off ticket and its attachment. Everything is inserted as text.
"use strict";

window.ChatPane = (function () {
  const $ = (id) => document.getElementById(id);
  const ROLE_LABELS = { customer: "고객", agent: "상담사" };
  // A transcript line starts with its speaker; a line without one continues the last turn.
  const SPEAKER = /^\s*(고객|상담사|customer|agent)\s*[:：]\s*/i;
  const ROLE_OF = { 고객: "customer", 상담사: "agent", customer: "customer", agent: "agent" };

  // Hand-off field names that are no case fact (the form's list has no label for them).
  const TICKET_LABELS = { ride_date: "이용일" };

  let turns = []; // [{role, text}] in order

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function active() {
    return !$("chat-pane").hidden;
  }

  function conversation() {
    return turns.map((t) => ({ role: t.role, text: t.text }));
  }

  function hasCustomer() {
    return turns.some((t) => t.role === "customer");
  }

  // Pasted text with speaker prefixes becomes several turns; plain text is one turn of the
  // chosen role.
  function parse(text, role) {
    const lines = text.split(/\r?\n/);
    if (!lines.some((l) => SPEAKER.test(l))) {
      return text.trim() ? [{ role, text: text.trim() }] : [];
    }
    const out = [];
    lines.forEach((line) => {
      const m = line.match(SPEAKER);
      if (m) {
        out.push({ role: ROLE_OF[m[1].toLowerCase()] || ROLE_OF[m[1]], text: line.slice(m[0].length) });
      } else if (out.length && line.trim()) {
        out[out.length - 1].text += `\n${line}`;
      } else if (line.trim()) {
        out.push({ role, text: line });
      }
    });
    return out.map((t) => ({ role: t.role, text: t.text.trim() })).filter((t) => t.text);
  }

  function chosenRole() {
    const pressed = document.querySelector('.role-btn[aria-pressed="true"]');
    return pressed ? pressed.dataset.role : "customer";
  }

  function setRole(role) {
    document.querySelectorAll(".role-btn").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.role === role));
    });
  }

  function toggleRole() {
    setRole(chosenRole() === "customer" ? "agent" : "customer");
  }

  // The n-th turn of its speaker, as the agent counts them ("3번째 고객 메시지").
  function turnName(index) {
    const t = turns[index];
    if (!t) return `${index + 1}번째 메시지`;
    const nth = turns.slice(0, index + 1).filter((x) => x.role === t.role).length;
    return `${nth}번째 ${ROLE_LABELS[t.role]} 메시지`;
  }

  function quote(turn, span) {
    const t = turns[turn];
    if (!t || !Array.isArray(span)) return "";
    return t.text.slice(span[0], span[1]);
  }

  function renderLog() {
    const log = $("chat-log");
    log.replaceChildren(
      ...turns.map((t, i) => {
        const li = el("li", `turn turn-${t.role}`);
        li.dataset.turn = String(i);
        li.append(el("span", "turn-who", turnName(i)), el("p", "turn-text", t.text));
        return li;
      }),
    );
    $("chat-empty").hidden = turns.length > 0;
    $("chat-count").textContent = String(turns.length);
    log.scrollTop = log.scrollHeight;
  }

  // Adds the typed (or pasted) turns; returns whether a customer turn came in.
  function addFromInput() {
    const box = $("turn-text");
    const added = parse(box.value, chosenRole());
    if (!added.length) return { added: 0, customer: false };
    turns = turns.concat(added);
    box.value = "";
    renderLog();
    // After a customer turn the agent usually answers next, and the other way round.
    setRole(added[added.length - 1].role === "customer" ? "agent" : "customer");
    return { added: added.length, customer: added.some((t) => t.role === "customer") };
  }

  function clear() {
    turns = [];
    $("turn-text").value = "";
    setRole("customer");
    renderLog();
    renderAnswer(null);
  }

  // ---- what only a chat answer has
  function renderStep(step) {
    $("step").hidden = !step;
    $("step-text").textContent = step || "";
  }

  function renderHandoff(h, label) {
    const box = $("handoff");
    box.hidden = !h;
    $("ticket-status").textContent = "";
    if (!h) {
      ["handoff-fields", "handoff-missing-list", "attachment-fields"].forEach((id) => $(id).replaceChildren());
      $("handoff-text").textContent = "";
      $("handoff-title").textContent = "";
      $("attachment").hidden = true;
      return;
    }
    $("handoff-title").textContent = `${h.title} (${h.kind})`;
    const missing = h.missing || [];
    const fields = $("handoff-fields");
    fields.replaceChildren();
    Object.entries(h.fields || {}).forEach(([k, v]) => {
      fields.append(el("dt", "", label(k)), el("dd", "", v));
    });
    missing.forEach((k) => {
      const dd = el("dd", "missing-value", "확인 필요");
      fields.append(el("dt", "missing-field", label(k)), dd);
    });
    $("handoff-missing-list").replaceChildren(...missing.map((k) => el("li", "", label(k))));
    $("handoff-missing").hidden = !missing.length;
    $("handoff-text").textContent = h.text;
    const att = Object.entries(h.attachment || {});
    $("attachment-fields").replaceChildren(...att.flatMap(([k, v]) => [el("dt", "", label(k)), el("dd", "", v)]));
    $("attachment").hidden = !att.length;
  }

  function renderAnswer(s, label) {
    renderStep(s ? s.step : null);
    const named = (k) => TICKET_LABELS[k] || (label ? label(k) : k);
    renderHandoff(s ? s.handoff : null, named);
  }

  // The ticket text only: the attachment is never part of what is copied.
  async function copyTicket() {
    if ($("handoff").hidden || $("copy-ticket").disabled) return;
    const text = $("handoff-text").textContent;
    await window.copyText(text);
    $("ticket-status").textContent = "티켓 본문을 복사했습니다";
  }

  function setMode(chat) {
    $("chat-pane").hidden = !chat;
    $("question-pane").hidden = chat;
    $("mode-chat").setAttribute("aria-pressed", String(chat));
    $("mode-question").setAttribute("aria-pressed", String(!chat));
    $("chat-shortcuts").hidden = !chat;
    (chat ? $("turn-text") : $("question")).focus();
  }

  return {
    active,
    conversation,
    hasCustomer,
    parse,
    turnName,
    quote,
    addFromInput,
    clear,
    renderAnswer,
    copyTicket,
    setMode,
    setRole,
    toggleRole,
  };
})();
