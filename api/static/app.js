// The agent console: one case at a time. Gathers the question and case facts, calls
// POST /v1/suggest, shows the guard-approved reply with where each fact came from and any
// conflict between the question and the form. Everything from the server is inserted as text.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const F = window.CaseFields;
  const C = window.ChatPane;
  const REFRESH_AFTER_MS = 400; // a new customer turn waits this long for the next one
  const KEY_STORAGE = "agent-assist-api-key";
  const HEALTH_EVERY_MS = 5000;

  const RULE_LABELS = {
    "driver-name": "기사 이름 제공 불가",
    "driver-account": "기사 계좌번호 제공 불가",
    "driver-phone": "기사 연락처 제공 조건 미충족",
    "vehicle-plate": "차량번호 제공 조건 미충족",
    "statement-identity": "본인 확인 전 이용내역서 발급 약속",
    "statement-consent": "수집 동의 없이 다른 수신처·탈퇴고객 발급 약속",
    "personal-id": "주민번호·카드번호 등 개인정보",
  };

  // Everything that belongs to the case on screen; "새 상담" empties it.
  const state = {
    maxChars: 2000,
    confirmed: new Set(), // console values the agent chose over the question's
    lastRequest: null,
    lastSuggestion: null,
    lastRequestId: null,
    stale: false,
    inflight: null, // AbortController of the request in flight
    refreshTimer: null, // the pending refresh after a new customer turn
  };

  // ---- HTTP
  function authHeaders() {
    const key = sessionStorage.getItem(KEY_STORAGE);
    return key ? { Authorization: `Bearer ${key}` } : {};
  }

  async function postJSON(path, body, signal) {
    const res = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...authHeaders() },
      body: JSON.stringify(body),
      signal,
    });
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    if (res.status === 401) $("auth").hidden = false;
    return { ok: res.ok, status: res.status, data, requestId: res.headers.get("X-Request-ID") };
  }

  function errorMessage(status, data) {
    const err = data && data.error ? data.error : null;
    const detail = err ? err.message : `HTTP ${status}`;
    if (status === 401) return "API 키가 필요하거나 올바르지 않습니다. 위에 키를 입력하세요.";
    if (status === 429) return "요청이 많아 잠시 처리할 수 없습니다. 잠시 후 다시 시도하세요.";
    if (status === 503) return `서비스를 일시적으로 사용할 수 없습니다 (색인·저장소·모델). ${detail}`;
    if (status === 413) return `입력이 너무 깁니다 (최대 ${state.maxChars}자): ${detail}`;
    if (status >= 400 && status < 500) return `입력을 확인하세요: ${detail}`;
    return `오류가 발생했습니다: ${detail}`;
  }

  // ---- the request the page would send now
  function currentRequest() {
    const body = C.active()
      ? { conversation: C.conversation(), case: F.collect() }
      : { question: $("question").value, case: F.collect() };
    if (state.confirmed.size) body.confirmed = Array.from(state.confirmed).sort();
    return body;
  }

  // ---- rendering helpers
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function badge(text, kind) {
    return el("span", `badge ${kind ? `badge-${kind}` : ""}`, text);
  }

  // Violating fragments are shown masked: they are what the guard refused to send.
  function mask(text) {
    return Array.from(text)
      .map((c) => (/\s/.test(c) ? c : "•"))
      .join("");
  }

  // The words a fact was read from: in the question, or in the chat turn it names.
  function quote(p) {
    if (!p || !Array.isArray(p.span) || !state.lastRequest) return "";
    if (state.lastRequest.conversation) return C.quote(p.turn, p.span);
    return state.lastRequest.question.slice(p.span[0], p.span[1]);
  }

  function sourceText(p) {
    if (!p) return "";
    const source = p.source || p.origin;
    const chat = Boolean(state.lastRequest && state.lastRequest.conversation);
    // In a chat a confirmation is the customer's answer to the agent's own question.
    if (p.method === "confirmation" && !(chat && Number.isInteger(p.turn))) return "콘솔 (상담사 확인)";
    if (source === "console") return "콘솔";
    if (source === "default") return "기본값";
    const q = quote(p);
    if (chat && Number.isInteger(p.turn)) {
      const answer = p.method === "confirmation" ? " (상담사 질문에 대한 답)" : "";
      return (q ? `${C.turnName(p.turn)} “${q}”` : C.turnName(p.turn)) + answer;
    }
    const turn = Number.isInteger(p.turn) ? ` (${p.turn + 1}번째 메시지)` : "";
    return (q ? `질문 “${q}”${turn}` : `질문${turn}`) + learned(p);
  }

  // A value the learned fallback read: its confidence and the example phrasing it matched.
  function learned(p) {
    if (p.method !== "model") return "";
    const near = Array.isArray(p.neighbours) && p.neighbours.length ? `, 가까운 예 “${p.neighbours[0]}”` : "";
    return ` · 모델 추정 (신뢰도 ${Math.round((p.confidence || 0) * 100)}%${near})`;
  }

  // A value as the page shows it: personal values (a phone, a name) are never repeated.
  function shownValue(fact, value) {
    return F.isPersonal(fact) ? "입력됨" : F.valueLabel(fact, value);
  }

  // ---- honest state: a reply belongs to the inputs it was made from
  function setStale(stale) {
    state.stale = stale;
    $("result").classList.toggle("stale", stale);
    $("stale-note").hidden = !stale;
    $("copy").disabled = stale || !canCopy();
    $("copy-ticket").disabled = stale;
  }

  // Guidance for the agent (the 상담유형 to set) is never offered for the customer.
  function forAgent(s) {
    return Boolean(s && s.audience === "agent");
  }

  function canCopy() {
    const s = state.lastSuggestion;
    return Boolean(s && s.grounded && s.guard && s.guard.allowed && !forAgent(s));
  }

  // Compared by value: a change event that changed nothing (a blur) leaves the reply current.
  function onInputsChanged() {
    if (!state.lastSuggestion) return;
    setStale(JSON.stringify(currentRequest()) !== JSON.stringify(state.lastRequest));
  }

  // ---- conflicts: the question states a fact that differs from a form field
  // What the agent calls the text side of a conflict: the question, or the chat.
  function textName() {
    return state.lastRequest && state.lastRequest.conversation ? "대화" : "질문";
  }

  function takeText(c) {
    const ctl = F.get(c.fact);
    if (ctl) ctl.write(c.text);
    state.confirmed.delete(c.fact);
    resolved(c.fact, `${textName()} 값 ${shownValue(c.fact, c.text)} 적용함`);
  }

  function keepConsole(c) {
    state.confirmed.add(c.fact);
    resolved(c.fact, `콘솔 값 ${shownValue(c.fact, c.console)} 유지 (확인함)`);
  }

  function resolved(fact, text) {
    const ctl = F.get(fact);
    if (ctl) {
      ctl.wrap.classList.remove("has-conflict");
      ctl.wrap.querySelector(".conflict-slot").replaceChildren(el("p", "conflict-done", text));
    }
    document.querySelectorAll(`[data-conflict="${fact}"]`).forEach((n) => n.remove());
    if (!document.querySelector("#conflict-note [data-conflict]")) $("conflict-note").hidden = true;
    onInputsChanged();
  }

  function conflictBox(c) {
    const box = el("div", "conflict");
    box.dataset.conflict = c.fact;
    const said = quote(c);
    box.append(
      el(
        "p",
        "conflict-text",
        `${F.label(c.fact)}: ${textName()} ${shownValue(c.fact, c.text)}${said ? ` (“${said}”)` : ""} ≠ ` +
          `입력 ${shownValue(c.fact, c.console)} · 답변에는 더 제한적인 ` +
          `${shownValue(c.fact, c.applied)}를 적용했습니다`,
      ),
    );
    const takeBtn = el("button", "btn btn-small btn-secondary", `${textName()} 값 적용 (${shownValue(c.fact, c.text)})`);
    takeBtn.type = "button";
    takeBtn.addEventListener("click", () => takeText(c));
    const keepBtn = el("button", "btn btn-small btn-secondary", `입력 값 유지 (${shownValue(c.fact, c.console)})`);
    keepBtn.type = "button";
    keepBtn.addEventListener("click", () => keepConsole(c));
    box.append(takeBtn, keepBtn);
    return box;
  }

  function renderConflicts(conflicts) {
    const note = $("conflict-note");
    note.replaceChildren();
    document.querySelectorAll(".field .conflict-slot").forEach((s) => s.replaceChildren());
    document.querySelectorAll(".field.has-conflict").forEach((w) => w.classList.remove("has-conflict"));
    if (!conflicts.length) {
      note.hidden = true;
      return;
    }
    note.append(el("strong", "", `${textName() === "대화" ? "대화와" : "질문과"} 상담 정보가 ${conflicts.length}건 다릅니다. 하나를 고른 뒤 다시 요청하세요.`));
    conflicts.forEach((c) => {
      note.append(conflictBox(c));
      const ctl = F.get(c.fact);
      if (ctl) {
        ctl.wrap.classList.add("has-conflict");
        ctl.wrap.querySelector(".conflict-slot").append(conflictBox(c));
      }
    });
    note.hidden = false;
  }

  // ---- the answer
  function renderBadges(s) {
    const badges = $("badges");
    badges.replaceChildren();
    if (!s.grounded) {
      badges.append(badge("근거 없음 · 상담사 확인 필요", "warn"));
      return;
    }
    badges.append(badge("플레이북 근거 있음", "ok"));
    badges.append(s.guard && s.guard.allowed ? badge("정책 가드 통과", "ok") : badge("정책 가드 차단", "bad"));
    if (forAgent(s)) badges.append(badge("상담사 업무 안내", ""));
    else badges.append(badge(s.drafter === "llm" ? "LLM 작성" : "승인 스크립트", ""));
    if (forAgent(s)) badges.append(badge("상담사 참고 · 고객 발송용 아님", "warn"));
    if (s.step) badges.append(badge(`응대순서 ${s.step}`, ""));
    if ((s.ask || []).length) badges.append(badge("확인 필요 정보 있음", "warn"));
    if ((s.conflicts || []).length) badges.append(badge("입력 충돌", "warn"));
    if (s.llm_skipped) badges.append(badge("LLM 응답 실패: 스크립트 답변 사용", "warn"));
    if ((s.draft_violations || []).length) badges.append(badge("첫 초안 교체됨", "warn"));
  }

  function renderAsk(s) {
    const asks = s.ask || [];
    // An ask is a fact name or a sentence already addressed to the agent.
    const askText = (a) => (F.get(a) ? `${F.label(a)} 확인` : a);
    const note = $("ask-note");
    note.replaceChildren();
    if (asks.length) {
      note.append(
        el(
          "strong",
          "",
          forAgent(s)
            ? "상담유형을 가르는 정보를 아직 모릅니다. 플레이북이 적은 경우를 모두 보여 드립니다."
            : "답변을 가르는 정보를 아직 모릅니다. 이 답변은 모르는 상태의 제한적 안내입니다.",
        ),
        el("ul", "ask-note-list"),
      );
      note.lastChild.append(...asks.map((a) => el("li", "", askText(a))));
      note.append(el("span", "", "고객에게 확인해 입력한 뒤 다시 요청하세요."));
    }
    note.hidden = !asks.length;
  }

  function renderViolations(s) {
    const vs = $("draft-violations");
    vs.replaceChildren();
    (s.draft_violations || []).forEach((v) => {
      const li = el("li");
      const mark = el("mark", "", mask(v.text));
      mark.title = `초안 ${v.span[0]}–${v.span[1]}번째 글자`;
      li.append(
        el("span", "rule-id", v.rule),
        el("strong", "", ` ${RULE_LABELS[v.rule] || v.message} `),
        mark,
        el("div", "", v.message),
        el("div", "clause", `근거: ${v.clause}`),
      );
      vs.append(li);
    });
    $("guard-block").hidden = !(s.draft_violations || []).length;
  }

  function renderCitations(s) {
    const cites = $("citations");
    cites.replaceChildren();
    (s.citations || []).forEach((c) => {
      const details = el("details");
      const summary = el("summary");
      summary.append(
        el("span", "cite-source", c.source),
        el("span", "cite-section", ` · ${c.section}`),
        // Score 0: the situation was picked by the case facts, not found by the search.
        el(
          "span",
          "cite-score",
          Number(c.score) === 0 ? "상담 정보로 선택한 상황" : `검색 점수 ${Number(c.score).toFixed(3)}`,
        ),
      );
      details.append(summary, el("pre", "cite-text", c.text || "(본문 없음)"));
      const li = el("li");
      li.append(details);
      cites.append(li);
    });
    $("no-citations").hidden = (s.citations || []).length > 0;
  }

  function renderFacts(s) {
    const facts = $("facts");
    facts.replaceChildren();
    const prov = s.provenance || {};
    Object.entries(s.facts || {}).forEach(([k, v]) => {
      if (v === null || v === undefined) return;
      const dd = el("dd");
      // The console's own personal values are not repeated on the page.
      const shown = shownValue(k, v);
      dd.append(shown);
      const src = sourceText(prov[k]);
      if (src) dd.append(el("span", "fact-source", ` · ${src}`));
      facts.append(el("dt", "", F.label(k)), dd);
      const ctl = F.get(k);
      if (ctl && src) ctl.wrap.querySelector(".provenance").textContent = `적용: ${shown} · ${src}`;
    });
    const refused = s.refused || [];
    $("refused").replaceChildren(
      ...refused.map((r) => {
        const said = quote(r);
        const where = state.lastRequest && state.lastRequest.conversation && Number.isInteger(r.turn);
        return el(
          "li",
          "",
          `${F.label(r.fact)} = ${shownValue(r.fact, r.value)}${said ? ` (“${said}”)` : ""}` +
            `${where ? ` · ${C.turnName(r.turn)}` : ""} · ${r.reason}`,
        );
      }),
    );
    $("refused-block").hidden = !refused.length;
  }

  function renderSuggestion(s) {
    $("empty").hidden = true;
    $("result").hidden = false;
    document.querySelectorAll(".field .provenance").forEach((p) => p.replaceChildren());
    renderBadges(s);
    // Only a grounded, guard-passed reply goes in the customer box with a copy button; anything
    // else is a note for the agent.
    const forCustomer = canCopy();
    $("reply-card").hidden = !forCustomer;
    $("note-card").hidden = forCustomer;
    $("reply").textContent = forCustomer ? s.reply : "";
    $("note").textContent = forCustomer ? "" : s.reply;
    $("note-card").classList.toggle("guidance", forAgent(s));
    $("note-label").textContent = forAgent(s)
      ? "상담사 업무 안내 · 플레이북 상담유형 (고객에게 보내지 마세요)"
      : "상담사 참고 (고객에게 보내지 마세요)";
    $("copy-status").textContent = "";
    renderAsk(s);
    renderConflicts(s.conflicts || []);
    renderViolations(s);
    renderCitations(s);
    renderFacts(s);
    C.renderAnswer(s, F.label);
    $("thumbs-up").setAttribute("aria-pressed", "false");
    $("thumbs-down").setAttribute("aria-pressed", "false");
    $("feedback-status").textContent = "";
  }

  // After every answer or error the agent sees it, at any width, without scrolling.
  function bringIntoView(node) {
    node.scrollIntoView({ block: "start", behavior: "instant" });
    node.focus({ preventScroll: true });
  }

  function showError(text) {
    const node = $("error");
    node.textContent = text;
    node.hidden = !text;
    if (text) bringIntoView(node);
  }

  // ---- actions
  async function onSubmit(event) {
    if (event) event.preventDefault();
    clearTimeout(state.refreshTimer);
    const body = currentRequest();
    if (body.conversation && !C.hasCustomer()) {
      showError("고객 메시지를 하나 이상 추가하세요.");
      $("turn-text").focus();
      return;
    }
    if (body.question !== undefined && !body.question.trim()) {
      showError("문의 내용을 입력하세요.");
      $("question").focus();
      return;
    }
    if (state.inflight) state.inflight.abort();
    const ctrl = new AbortController();
    state.inflight = ctrl;
    showError("");
    $("submit").disabled = true;
    $("submit").textContent = "답변 만드는 중…";
    $("output").setAttribute("aria-busy", "true");
    try {
      const res = await postJSON(body.conversation ? "/v1/assist" : "/v1/suggest", body, ctrl.signal);
      if (ctrl.signal.aborted) return;
      if (!res.ok) {
        showError(errorMessage(res.status, res.data));
        return;
      }
      state.lastRequest = body;
      state.lastSuggestion = res.data;
      state.lastRequestId = res.requestId;
      renderSuggestion(res.data);
      // Inputs edited while the request was out make this answer stale at once.
      onInputsChanged();
      // The notes above the reply (unknown facts, conflicts) come into view with it.
      $("result").scrollIntoView({ block: "start", behavior: "instant" });
      (canCopy() ? $("reply") : $("note")).focus({ preventScroll: true });
    } catch (_) {
      if (!ctrl.signal.aborted) showError("서버에 연결할 수 없습니다.");
    } finally {
      if (state.inflight === ctrl) {
        state.inflight = null;
        $("submit").disabled = false;
        $("submit").textContent = "추천 답변 받기";
        $("output").setAttribute("aria-busy", "false");
      }
    }
  }

  async function onCopy() {
    if ($("copy").disabled || $("result").hidden) return;
    const text = $("reply").textContent; // text nodes keep the script's newlines
    await window.copyText(text);
    $("copy-status").textContent = "복사했습니다";
  }

  async function onFeedback(rating) {
    if (!state.lastSuggestion || $("result").hidden) return;
    const s = state.lastSuggestion;
    const asked = state.lastRequest.conversation
      ? state.lastRequest.conversation.filter((t) => t.role === "customer").map((t) => t.text).join("\n")
      : state.lastRequest.question;
    const body = {
      rating,
      question: asked.slice(-state.maxChars),
      reply: s.reply,
      case: state.lastRequest.case,
      chunk_ids: (s.citations || []).map((c) => c.chunk_id).filter(Boolean),
    };
    if (state.lastRequestId) body.request_id = state.lastRequestId;
    const res = await postJSON("/v1/feedback", body);
    $("thumbs-up").setAttribute("aria-pressed", String(rating === "up" && res.ok));
    $("thumbs-down").setAttribute("aria-pressed", String(rating === "down" && res.ok));
    $("feedback-status").textContent = res.ok ? "평가를 저장했습니다" : errorMessage(res.status, res.data);
  }

  // One case at a time: nothing of the last customer survives into the next.
  function onNewCase() {
    if (state.inflight) state.inflight.abort();
    state.inflight = null;
    clearTimeout(state.refreshTimer);
    C.clear();
    $("question").value = "";
    F.clearAll();
    state.confirmed.clear();
    state.lastRequest = null;
    state.lastSuggestion = null;
    state.lastRequestId = null;
    ["reply", "note", "copy-status", "feedback-status"].forEach((id) => {
      $(id).textContent = "";
    });
    ["badges", "draft-violations", "citations", "facts", "refused", "conflict-note", "ask-note"].forEach(
      (id) => $(id).replaceChildren(),
    );
    $("result").hidden = true;
    $("empty").hidden = false;
    setStale(false);
    showError("");
    $("trim-note").hidden = true;
    $("submit").disabled = false;
    $("submit").textContent = "추천 답변 받기";
    $("output").setAttribute("aria-busy", "false");
    updateCount();
    (C.active() ? $("turn-text") : $("question")).focus();
  }

  // ---- the chat: a new customer turn makes the answer stale and asks again shortly after;
  // a newer turn within the wait (or while a request is out) supersedes it.
  function onAddTurn() {
    const { added, customer } = C.addFromInput();
    if (!added) {
      $("turn-text").focus();
      return;
    }
    onInputsChanged();
    if (customer) {
      clearTimeout(state.refreshTimer);
      state.refreshTimer = setTimeout(() => onSubmit(), REFRESH_AFTER_MS);
    }
    $("turn-text").focus();
  }

  function onMode(chat) {
    if (C.active() === chat) return;
    C.setMode(chat);
    onInputsChanged();
  }

  // ---- the question box: the newest text matters most, so a long paste keeps its end
  function updateCount() {
    $("question-count").textContent = String($("question").value.length);
  }

  function onQuestionInput() {
    const q = $("question");
    const over = q.value.length - state.maxChars;
    if (over > 0) {
      const head = q.value.slice(0, over);
      q.value = q.value.slice(over);
      q.setSelectionRange(q.value.length, q.value.length);
      const note = $("trim-note");
      const shown = head.length > 40 ? `${head.slice(0, 40)}…` : head;
      note.textContent =
        `${state.maxChars}자를 넘어 앞부분 ${over}자를 잘라냈습니다 (최근 내용 유지). ` +
        `잘린 앞부분: “${shown}”`;
      note.hidden = false;
    } else if (!q.value) {
      $("trim-note").hidden = true;
    }
    updateCount();
  }

  // ---- keyboard
  function onKeydown(e) {
    const inForm = e.target instanceof Element && e.target.closest("#ask-form");
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target === $("turn-text")) {
      e.preventDefault();
      onAddTurn();
      return;
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && inForm) {
      e.preventDefault();
      $("ask-form").requestSubmit();
      return;
    }
    // Enter in a one-line field must not send the case half-filled.
    if (e.key === "Enter" && e.target instanceof HTMLInputElement && inForm) {
      e.preventDefault();
      return;
    }
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const action = {
      KeyN: onNewCase,
      KeyC: onCopy,
      KeyK: C.copyTicket,
      KeyR: () => C.active() && C.toggleRole(),
      KeyG: () => onFeedback("up"),
      KeyB: () => onFeedback("down"),
      Digit1: () => onMode(false),
      Digit2: () => onMode(true),
    }[e.code];
    if (action) {
      e.preventDefault();
      action();
    }
  }

  // ---- service state, polled for as long as the page is open
  async function pollHealth() {
    const node = $("status");
    try {
      const res = await fetch("/healthz", { cache: "no-store" });
      if (res.ok) {
        node.textContent = "준비됨";
        node.className = "status status-ok";
      } else {
        const data = await res.json().catch(() => ({}));
        node.textContent = data.status === "failed" ? "색인 로딩 실패 (재시도 중)" : "색인 로딩 중";
        node.className = data.status === "failed" ? "status status-bad" : "status status-loading";
      }
    } catch (_) {
      node.textContent = "서버 연결 끊김";
      node.className = "status status-bad";
    }
    setTimeout(pollHealth, HEALTH_EVERY_MS);
  }

  // The question's length cap comes from the served OpenAPI document, so the page and the
  // server never disagree.
  async function loadSpec() {
    try {
      return await (await fetch("/openapi.json")).json();
    } catch (_) {
      return null;
    }
  }

  function applyLimits(spec) {
    try {
      const max = spec.components.schemas.SuggestRequest.properties.question.maxLength;
      if (Number.isInteger(max)) state.maxChars = max;
    } catch (_) {
      /* keep the page's default */
    }
    $("question-max").textContent = String(state.maxChars);
  }

  async function loadFields() {
    try {
      const res = await fetch("/v1/fields", { headers: authHeaders() });
      if (res.status === 401) $("auth").hidden = false;
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const data = await res.json();
      F.build(data.fields, $("case-fields"), $("case-flags"), $("console-fields"));
      $("fields-error").hidden = true;
    } catch (err) {
      $("fields-error").textContent = `상담 정보 항목을 불러오지 못했습니다 (${err.message}). 새로고침하세요.`;
      $("fields-error").hidden = false;
    }
  }

  function init() {
    $("ask-form").addEventListener("submit", onSubmit);
    $("ask-form").addEventListener("input", onInputsChanged);
    $("ask-form").addEventListener("change", onInputsChanged);
    $("case-fields").addEventListener("input", (e) => forgetConfirmation(e));
    $("case-flags").addEventListener("change", (e) => forgetConfirmation(e));
    $("copy").addEventListener("click", onCopy);
    $("new-case").addEventListener("click", onNewCase);
    $("add-turn").addEventListener("click", onAddTurn);
    $("copy-ticket").addEventListener("click", C.copyTicket);
    $("mode-question").addEventListener("click", () => onMode(false));
    $("mode-chat").addEventListener("click", () => onMode(true));
    document.querySelectorAll(".role-btn").forEach((b) => {
      b.addEventListener("click", () => C.setRole(b.dataset.role));
    });
    $("thumbs-up").addEventListener("click", () => onFeedback("up"));
    $("thumbs-down").addEventListener("click", () => onFeedback("down"));
    $("question").addEventListener("input", onQuestionInput);
    document.addEventListener("keydown", onKeydown);
    $("auth-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const key = $("api-key").value.trim();
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      $("api-key").value = "";
      $("auth").hidden = true;
      loadFields();
    });
    loadSpec().then(applyLimits);
    loadFields();
    pollHealth();
  }

  // A value the agent edits by hand is no longer the one they confirmed.
  function forgetConfirmation(e) {
    const wrap = e.target instanceof Element && e.target.closest(".field");
    if (wrap) state.confirmed.delete(wrap.dataset.field);
  }

  init();
})();
