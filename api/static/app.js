// The agent console: gathers the question and case facts, calls POST /v1/suggest, shows the
// guard-approved reply. Everything from the server is inserted as text, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const KEY_STORAGE = "agent-assist-api-key";

  const TRISTATE = [
    ["", "모름"],
    ["true", "예"],
    ["false", "아니오"],
  ];

  // Korean labels for fact names and values (what the console shows back).
  const FACT_LABELS = {
    service: "서비스",
    request: "요청 내용",
    ride_status: "운행 상태",
    days_since_ride: "경과 일수",
    history_available: "이용기록 확인 가능",
    reason: "요청 사유",
    driver_consent: "기사 동의",
    identity_verified: "본인 확인",
    withdrawn: "탈퇴 고객",
    alt_recipient: "다른 이메일·실명",
    collection_consent: "수집 동의",
    channel: "상담 채널",
    driver_name: "기사 이름",
    driver_phone: "기사 연락처",
    vehicle_plate: "차량번호",
    ride_date: "탑승 날짜",
  };
  const PERSONAL = new Set(["driver_name", "driver_phone", "vehicle_plate"]);
  const RULE_LABELS = {
    "driver-name": "기사 이름 제공 불가",
    "driver-account": "기사 계좌번호 제공 불가",
    "driver-phone": "기사 연락처 제공 조건 미충족",
    "vehicle-plate": "차량번호 제공 조건 미충족",
    "statement-identity": "본인 확인 전 이용내역서 발급 약속",
    "statement-consent": "수집 동의 없이 다른 수신처·탈퇴고객 발급 약속",
    "personal-id": "주민번호·카드번호 등 개인정보",
  };

  const state = { lastRequest: null, lastSuggestion: null, lastRequestId: null };

  function optionLabel(fact, value) {
    const select = document.querySelector(`select[data-fact="${fact}"]`);
    if (select) {
      for (const opt of select.options) {
        if (opt.value === String(value)) return opt.textContent;
      }
    }
    if (value === true) return "예";
    if (value === false) return "아니오";
    if (fact === "days_since_ride") return `${value}일`;
    return String(value);
  }

  // ---- tri-state (unknown / yes / no) radio groups
  function buildTristates() {
    document.querySelectorAll(".tristate").forEach((group) => {
      const fact = group.dataset.fact;
      const seg = document.createElement("div");
      seg.className = "segmented";
      TRISTATE.forEach(([value, label], i) => {
        const id = `r-${fact}-${i}`;
        const input = document.createElement("input");
        input.type = "radio";
        input.name = fact;
        input.id = id;
        input.value = value;
        if (value === "") input.checked = true;
        const lab = document.createElement("label");
        lab.htmlFor = id;
        lab.textContent = label;
        seg.append(input, lab);
      });
      group.append(seg);
    });
  }

  // ---- collecting the facts: empty means unknown and is left out
  function collectCase() {
    const facts = {};
    document.querySelectorAll("[data-fact]").forEach((el) => {
      const fact = el.dataset.fact;
      if (el.classList.contains("tristate")) {
        const checked = el.querySelector("input:checked");
        if (checked && checked.value !== "") facts[fact] = checked.value === "true";
        return;
      }
      const value = el.value.trim();
      if (value === "") return;
      facts[fact] = fact === "days_since_ride" ? Number.parseInt(value, 10) : value;
    });
    return facts;
  }

  function daysSince(dateStr) {
    const [y, m, d] = dateStr.split("-").map(Number);
    const then = new Date(y, m - 1, d);
    const now = new Date();
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    return Math.round((today - then) / 86400000);
  }

  // ---- HTTP
  function authHeaders() {
    const key = sessionStorage.getItem(KEY_STORAGE);
    return key ? { Authorization: `Bearer ${key}` } : {};
  }

  async function postJSON(path, body) {
    const res = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...authHeaders() },
      body: JSON.stringify(body),
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
    if (status === 413) return `입력이 너무 깁니다: ${detail}`;
    if (status >= 400 && status < 500) return `입력을 확인하세요: ${detail}`;
    return `오류가 발생했습니다: ${detail}`;
  }

  // ---- rendering
  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  function badge(text, kind) {
    const b = document.createElement("span");
    b.className = `badge ${kind ? `badge-${kind}` : ""}`;
    b.textContent = text;
    return b;
  }

  // Violating fragments are shown masked: they are what the guard refused to send.
  function mask(text) {
    return Array.from(text)
      .map((c) => (/\s/.test(c) ? c : "•"))
      .join("");
  }

  function renderSuggestion(s) {
    $("empty").hidden = true;
    $("result").hidden = false;

    const badges = $("badges");
    clear(badges);
    badges.append(
      s.grounded ? badge("플레이북 근거 있음", "ok") : badge("해당 플레이북 없음", "warn"),
      s.guard && s.guard.allowed ? badge("정책 가드 통과", "ok") : badge("정책 가드 차단", "bad"),
      badge(s.drafter === "llm" ? "LLM 작성" : "승인 스크립트", ""),
    );
    if (s.llm_skipped) badges.append(badge("LLM 응답 실패: 스크립트 답변 사용", "warn"));
    if (s.draft_violations && s.draft_violations.length) {
      badges.append(badge("첫 초안 교체됨", "warn"));
    }

    $("reply").textContent = s.reply;
    $("copy-status").textContent = "";

    const ask = $("ask");
    clear(ask);
    (s.ask || []).forEach((item) => {
      const li = document.createElement("li");
      li.textContent = FACT_LABELS[item] ? `${FACT_LABELS[item]} 확인` : item;
      ask.append(li);
    });
    $("ask-block").hidden = !(s.ask && s.ask.length);

    const vs = $("draft-violations");
    clear(vs);
    (s.draft_violations || []).forEach((v) => {
      const li = document.createElement("li");
      const rule = document.createElement("span");
      rule.className = "rule-id";
      rule.textContent = v.rule;
      const label = document.createElement("strong");
      label.textContent = ` ${RULE_LABELS[v.rule] || v.message} `;
      const mark = document.createElement("mark");
      mark.textContent = mask(v.text);
      mark.title = `초안 ${v.span[0]}–${v.span[1]}번째 글자`;
      const msg = document.createElement("div");
      msg.textContent = v.message;
      const clause = document.createElement("div");
      clause.className = "clause";
      clause.textContent = `근거: ${v.clause}`;
      li.append(rule, label, mark, msg, clause);
      vs.append(li);
    });
    $("guard-block").hidden = !(s.draft_violations && s.draft_violations.length);

    const cites = $("citations");
    clear(cites);
    (s.citations || []).forEach((c) => {
      const li = document.createElement("li");
      const details = document.createElement("details");
      const summary = document.createElement("summary");
      const src = document.createElement("span");
      src.className = "cite-source";
      src.textContent = c.source;
      const sec = document.createElement("span");
      sec.className = "cite-section";
      sec.textContent = ` · ${c.section}`;
      const score = document.createElement("span");
      score.className = "cite-score";
      score.textContent = `점수 ${Number(c.score).toFixed(3)}`;
      summary.append(src, sec, score);
      const text = document.createElement("pre");
      text.className = "cite-text";
      text.textContent = c.text || "(본문 없음)";
      details.append(summary, text);
      li.append(details);
      cites.append(li);
    });
    $("no-citations").hidden = (s.citations || []).length > 0;

    const facts = $("facts");
    clear(facts);
    Object.entries(s.facts || {}).forEach(([k, v]) => {
      if (v === null || v === undefined) return;
      const dt = document.createElement("dt");
      dt.textContent = FACT_LABELS[k] || k;
      const dd = document.createElement("dd");
      // The console's own personal values are not repeated on the page.
      dd.textContent = PERSONAL.has(k) ? "입력됨" : optionLabel(k, v);
      facts.append(dt, dd);
    });

    $("thumbs-up").setAttribute("aria-pressed", "false");
    $("thumbs-down").setAttribute("aria-pressed", "false");
    $("feedback-status").textContent = "";
  }

  function showError(text) {
    const el = $("error");
    el.textContent = text;
    el.hidden = !text;
  }

  // ---- actions
  async function onSubmit(event) {
    event.preventDefault();
    const question = $("question").value;
    if (!question.trim()) {
      showError("문의 내용을 입력하세요.");
      $("question").focus();
      return;
    }
    const body = { question, case: collectCase() };
    showError("");
    $("submit").disabled = true;
    $("submit").textContent = "답변 만드는 중…";
    $("output").setAttribute("aria-busy", "true");
    try {
      const res = await postJSON("/v1/suggest", body);
      if (!res.ok) {
        showError(errorMessage(res.status, res.data));
        return;
      }
      state.lastRequest = body;
      state.lastSuggestion = res.data;
      state.lastRequestId = res.requestId;
      renderSuggestion(res.data);
    } catch (_) {
      showError("서버에 연결할 수 없습니다.");
    } finally {
      $("submit").disabled = false;
      $("submit").textContent = "추천 답변 받기";
      $("output").setAttribute("aria-busy", "false");
    }
  }

  async function onCopy() {
    const text = $("reply").textContent;
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const range = document.createRange();
      range.selectNodeContents($("reply"));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      document.execCommand("copy");
      sel.removeAllRanges();
    }
    $("copy-status").textContent = "복사했습니다";
  }

  async function onFeedback(rating) {
    if (!state.lastSuggestion) return;
    const s = state.lastSuggestion;
    const body = {
      rating,
      question: state.lastRequest.question,
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

  function onReset() {
    $("ask-form").reset();
    document.querySelectorAll('.tristate input[value=""]').forEach((r) => {
      r.checked = true;
    });
    $("question-count").textContent = "0";
    showError("");
  }

  async function pollHealth() {
    const el = $("status");
    try {
      const res = await fetch("/healthz");
      if (res.ok) {
        el.textContent = "준비됨";
        el.className = "status status-ok";
        return;
      }
      const data = await res.json();
      el.textContent = data.status === "failed" ? "색인 로딩 실패 (재시도 중)" : "색인 로딩 중";
      el.className = data.status === "failed" ? "status status-bad" : "status status-loading";
    } catch (_) {
      el.textContent = "서버 연결 끊김";
      el.className = "status status-bad";
    }
    setTimeout(pollHealth, 3000);
  }

  // The question's length cap comes from the served OpenAPI document, so the page and the
  // server never disagree.
  async function loadLimits() {
    try {
      const res = await fetch("/openapi.json");
      const spec = await res.json();
      const max = spec.components.schemas.SuggestRequest.properties.question.maxLength;
      if (Number.isInteger(max)) {
        $("question").maxLength = max;
        document.querySelector(".question-meta").lastChild.textContent = ` / ${max}자 · Ctrl+Enter로 요청`;
      }
    } catch (_) {
      /* keep the page's default */
    }
  }

  function init() {
    buildTristates();
    $("ask-form").addEventListener("submit", onSubmit);
    $("copy").addEventListener("click", onCopy);
    $("reset").addEventListener("click", onReset);
    $("thumbs-up").addEventListener("click", () => onFeedback("up"));
    $("thumbs-down").addEventListener("click", () => onFeedback("down"));
    $("question").addEventListener("input", () => {
      $("question-count").textContent = String($("question").value.length);
    });
    $("question").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("ask-form").requestSubmit();
    });
    $("f-ride-date").addEventListener("change", (e) => {
      if (!e.target.value) return;
      const days = daysSince(e.target.value);
      $("f-days").value = days >= 0 ? String(days) : "";
    });
    $("auth-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const key = $("api-key").value.trim();
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      $("api-key").value = "";
      $("auth").hidden = true;
    });
    loadLimits();
    pollHealth();
  }

  init();
})();
