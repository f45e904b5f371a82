// The case-facts form, built from the service's field list (GET /v1/fields): one control per
// fact, so the page never lists facts of its own. Each control can be read, set and cleared by
// fact name; a day count gets a date picker that is the same fact, kept in sync both ways.
"use strict";

window.CaseFields = (function () {
  const UNKNOWN = "모름";
  const byName = new Map(); // fact name -> {field, wrap, read(), write(v), clear()}

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    children.forEach((c) => node.append(c));
    return node;
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function todayMidnight() {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate());
  }

  function daysSince(dateStr) {
    const [y, m, d] = dateStr.split("-").map(Number);
    return Math.round((todayMidnight() - new Date(y, m - 1, d)) / 86400000);
  }

  function dateBefore(days) {
    const t = todayMidnight();
    t.setDate(t.getDate() - days);
    return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
  }

  function wrapFor(field, control, labelFor) {
    const wrap = el("div", { className: "field" });
    wrap.dataset.field = field.name;
    const label = el("label", { htmlFor: labelFor, textContent: field.label });
    wrap.append(label, control);
    if (field.help) wrap.append(el("p", { className: "field-help", textContent: field.help }));
    // Filled after each answer: a conflict with the question, where the value came from.
    wrap.append(el("div", { className: "conflict-slot" }), el("div", { className: "provenance" }));
    return wrap;
  }

  function enumControl(field) {
    const id = `f-${field.name}`;
    const select = el("select", { id });
    select.dataset.fact = field.name;
    select.append(el("option", { value: "", textContent: UNKNOWN }));
    (field.values || []).forEach((v) => {
      select.append(el("option", { value: String(v.value), textContent: v.label }));
    });
    return {
      wrap: wrapFor(field, select, id),
      read: () => (select.value === "" ? null : select.value),
      write: (v) => {
        select.value = v === null || v === undefined ? "" : String(v);
      },
    };
  }

  // Native radios: one tab stop per group, arrow keys move the choice (roving focus).
  function boolControl(field) {
    const group = el("div", { className: "tristate", role: "radiogroup" });
    group.setAttribute("role", "radiogroup");
    const labelId = `t-${field.name}`;
    group.setAttribute("aria-labelledby", labelId);
    group.dataset.fact = field.name;
    group.append(el("span", { id: labelId, className: "tristate-label", textContent: field.label }));
    const seg = el("div", { className: "segmented" });
    const radios = [
      ["", UNKNOWN],
      ["true", "예"],
      ["false", "아니오"],
    ].map(([value, label], i) => {
      const id = `r-${field.name}-${i}`;
      const input = el("input", { type: "radio", name: field.name, id, value, checked: value === "" });
      seg.append(input, el("label", { htmlFor: id, textContent: label }));
      return input;
    });
    group.append(seg);
    const wrap = el("div", { className: "field field-flag" });
    wrap.dataset.field = field.name;
    wrap.append(group);
    if (field.help) wrap.append(el("p", { className: "field-help", textContent: field.help }));
    wrap.append(el("div", { className: "conflict-slot" }), el("div", { className: "provenance" }));
    return {
      wrap,
      read: () => {
        const v = radios.find((r) => r.checked).value;
        return v === "" ? null : v === "true";
      },
      write: (v) => {
        const want = v === null || v === undefined ? "" : String(Boolean(v));
        radios.forEach((r) => {
          r.checked = r.value === want;
        });
      },
    };
  }

  function inputControl(field, type) {
    const id = `f-${field.name}`;
    const input = el("input", { id, type, autocomplete: "off", placeholder: UNKNOWN });
    input.dataset.fact = field.name;
    if (type === "number") {
      Object.assign(input, { min: "0", max: "36500", step: "1", inputMode: "numeric" });
    } else {
      input.maxLength = 40;
      input.spellcheck = false;
    }
    const wrap = wrapFor(field, input, id);
    if (field.unit) input.placeholder = `${UNKNOWN} · ${field.unit}`;
    const ctl = {
      wrap,
      read: () => {
        const v = input.value.trim();
        if (v === "") return null;
        return type === "number" ? Number.parseInt(v, 10) : v;
      },
      write: (v) => {
        input.value = v === null || v === undefined ? "" : String(v);
      },
    };
    if (type === "number" && field.unit === "일") addDatePicker(field, input, ctl);
    return ctl;
  }

  // A day count and the ride date are one fact: editing either rewrites the other.
  function addDatePicker(field, countInput, ctl) {
    const id = `f-${field.name}-date`;
    const date = el("input", { id, type: "date", max: dateBefore(0) });
    const row = el("div", { className: "date-row" });
    row.append(el("label", { htmlFor: id, className: "date-label", textContent: "탑승(운행완료) 날짜" }), date);
    ctl.wrap.insertBefore(row, ctl.wrap.querySelector(".conflict-slot"));
    const syncDate = () => {
      const n = Number.parseInt(countInput.value, 10);
      date.value = Number.isInteger(n) && n >= 0 ? dateBefore(n) : "";
    };
    countInput.addEventListener("input", syncDate);
    date.addEventListener("input", () => {
      if (!date.value) {
        countInput.value = "";
        return;
      }
      const days = daysSince(date.value);
      countInput.value = days >= 0 ? String(days) : "";
    });
    const write = ctl.write;
    ctl.write = (v) => {
      write(v);
      syncDate();
    };
  }

  function build(fields, caseBox, flagBox, consoleBox) {
    byName.clear();
    [caseBox, flagBox, consoleBox].forEach((box) => box.replaceChildren());
    fields.forEach((field) => {
      let ctl;
      if (field.kind === "enum") ctl = enumControl(field);
      else if (field.kind === "bool") ctl = boolControl(field);
      else if (field.kind === "count") ctl = inputControl(field, "number");
      else ctl = inputControl(field, "text");
      ctl.field = field;
      byName.set(field.name, ctl);
      const box = field.personal ? consoleBox : field.kind === "bool" ? flagBox : caseBox;
      box.append(ctl.wrap);
    });
  }

  // The known facts only: an unknown fact is left out, never sent as a guess.
  function collect() {
    const facts = {};
    byName.forEach((ctl, name) => {
      const v = ctl.read();
      if (v !== null && !(typeof v === "number" && Number.isNaN(v))) facts[name] = v;
    });
    return facts;
  }

  function clearAll() {
    byName.forEach((ctl) => {
      ctl.write(null);
      ctl.wrap.querySelector(".conflict-slot").replaceChildren();
      ctl.wrap.querySelector(".provenance").replaceChildren();
      ctl.wrap.classList.remove("has-conflict");
    });
  }

  function label(name) {
    const ctl = byName.get(name);
    return ctl ? ctl.field.label : name;
  }

  function isPersonal(name) {
    const ctl = byName.get(name);
    return Boolean(ctl && ctl.field.personal);
  }

  // A value as the agent reads it: the enum's Korean label, 예/아니오, "5일".
  function valueLabel(name, value) {
    const ctl = byName.get(name);
    if (value === true) return "예";
    if (value === false) return "아니오";
    if (ctl) {
      const hit = (ctl.field.values || []).find((v) => String(v.value) === String(value));
      if (hit) return hit.label;
      if (ctl.field.unit) return `${value}${ctl.field.unit}`;
    }
    return String(value);
  }

  return { build, collect, clearAll, label, isPersonal, valueLabel, get: (n) => byName.get(n) };
})();
