// One field of a measure sheet on the phone: its input (a line, a text, a date, or rows of
// steps with dates), saving with the version the person started from, and what happens when
// someone else of the group changed the same field: the person's own text stays where it is,
// the other version is shown next to it, and the person decides — nothing is lost silently.

import { h, t } from "../dom.js";
import { showValue } from "./measure_show.js";

// The value as the server stores it (NFC, trimmed; blank rows dropped), so that equal texts
// compare equal and a save of an unchanged text is not mistaken for a change.
export function normalise(type, value) {
  const text = (v) => String(v ?? "").normalize("NFC").trim();
  if (type === "rows") {
    return (Array.isArray(value) ? value : [])
      .map((row) => ({ step: text(row.step), date: text(row.date) }))
      .filter((row) => row.step || row.date);
  }
  return text(value);
}

export const sameValue = (type, a, b) =>
  JSON.stringify(normalise(type, a)) === JSON.stringify(normalise(type, b));

export const emptyOf = (type) => (type === "rows" ? [] : "");

// The input of a field: {el, get(), set(value), disable(flag)}.
function input(spec, id) {
  if (spec.type === "rows") return rowsInput(spec, id);
  const attrs = { id, name: spec.id, "aria-describedby": `${id}-state` };
  const el = spec.type === "long" ? h("textarea", { ...attrs, rows: 4, maxlength: spec.limit })
    : spec.type === "date" ? h("input", { ...attrs, type: "date" })
    : h("input", { ...attrs, maxlength: spec.limit, autocomplete: "off" });
  return {
    el,
    label: h("label", { for: id }, spec.label),
    get: () => el.value,
    set: (value) => { el.value = value ?? ""; },
    disable: (flag) => { el.disabled = flag; },
  };
}

// Steps with dates: one row per step; a row is added and removed with buttons, and an empty
// list still shows one empty row to type into.
function rowsInput(spec, id) {
  const list = h("ol", { class: "sheet-rows" });
  const add = h("button", { type: "button", class: "small" }, t("sheet.add_row"));
  const legend = h("legend", {}, spec.label);
  const el = h("fieldset", { class: "stack", "aria-describedby": `${id}-state` }, legend, list, add);
  let serial = 0;
  let disabled = false;

  function renumber() {
    [...list.children].forEach((li, i) => {
      const n = i + 1;
      li.querySelector(".row-step-label").textContent = t("sheet.step_n", { n });
      li.querySelector(".row-date-label").textContent = t("sheet.date_n", { n });
      li.querySelector("button").setAttribute("aria-label", t("sheet.remove_row_n", { n }));
    });
    add.disabled = disabled || list.children.length >= (spec.limit || 30);
  }

  function row(value = { step: "", date: "" }) {
    serial += 1;
    const stepId = `${id}-step-${serial}`;
    const dateId = `${id}-date-${serial}`;
    const step = h("input", { id: stepId, class: "row-step", maxlength: 300, autocomplete: "off" });
    const date = h("input", { id: dateId, class: "row-date", type: "date" });
    step.value = value.step ?? "";
    date.value = value.date ?? "";
    step.disabled = date.disabled = disabled;
    const remove = h("button", { type: "button", class: "small danger", disabled }, t("sheet.remove_row"));
    const li = h("li", { class: "sheet-row" },
      h("div", { class: "field" }, h("label", { for: stepId, class: "row-step-label" }), step),
      h("div", { class: "field" }, h("label", { for: dateId, class: "row-date-label" }), date),
      remove);
    remove.addEventListener("click", () => {
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      if (!list.children.length) list.append(row());
      renumber();
      el.dispatchEvent(new Event("input", { bubbles: true }));
      (next || list.firstElementChild)?.querySelector("input")?.focus();
    });
    return li;
  }

  add.addEventListener("click", () => {
    const li = row();
    list.append(li);
    renumber();
    li.querySelector("input").focus();
  });

  return {
    el,
    label: null,
    get: () => [...list.children].map((li) => ({
      step: li.querySelector(".row-step").value, date: li.querySelector(".row-date").value })),
    set(value) {
      const rows = Array.isArray(value) && value.length ? value : [{ step: "", date: "" }];
      list.replaceChildren(...rows.map((r) => row(r)));
      renumber();
    },
    disable(flag) {
      disabled = flag;
      for (const control of el.querySelectorAll("input, button")) control.disabled = flag;
      renumber();
    },
  };
}

// A field: {el, update(entry, open, you), acked(command, ack), refused(command, error)}.
// `base` is the field as the server had it when the person started: its version goes with
// the save. `incoming` is a newer state of someone else's that the person has not seen.
export function fieldEditor(spec, { uid, save }) {
  const id = `${uid}-${spec.id}`;
  const field = input(spec, id);
  const state = h("p", { class: "hint sheet-state", id: `${id}-state` });
  const submit = h("button", { type: "submit", class: "primary small",
    "aria-label": t("sheet.save_field", { label: spec.label }) }, t("sheet.save"));
  const notice = h("div", { class: "sheet-notice", role: "alert", hidden: true });
  const form = h("form", { class: "stack sheet-field", "data-field": spec.id },
    field.label, field.el, state, notice, h("div", { class: "actions" }, submit));
  let base = null; // {value, version, by}
  let sent = null; // the save on its way: {value, version}
  let incoming = null;
  let open = true;
  let you = null;

  const dirty = () => base && !sameValue(spec.type, field.get(), base.value);

  function send(version) {
    const value = normalise(spec.type, field.get());
    sent = { value, version };
    save(spec.id, value, version);
    show();
  }

  function resolve(entry) {
    incoming = null;
    base = entry;
    show();
  }

  function show() {
    notice.hidden = !incoming;
    if (incoming) {
      notice.replaceChildren(
        h("p", { class: "sheet-notice-title" }, t("sheet.conflict")),
        h("p", {}, t("sheet.current_value")),
        h("div", { class: "sheet-current" }, showValue(spec, incoming.value)),
        h("p", { class: "hint" }, t("sheet.yours_kept")),
        h("div", { class: "actions" },
          h("button", { type: "button", onclick: () => {
            field.set(incoming.value);
            resolve(incoming);
            (field.el.matches("fieldset") ? field.el.querySelector("input") : field.el).focus();
          } }, t("sheet.take_theirs")),
          h("button", { type: "button", class: "primary", onclick: () => {
            const version = incoming.version;
            resolve(incoming);
            send(version);
          } }, t("sheet.keep_mine"))));
    }
    const by = base?.by && base.by === you ? t("sheet.saved_you") : t("sheet.saved_other");
    state.textContent = sent ? t("sheet.saving") : dirty() ? t("sheet.unsaved")
      : base?.version ? by : t("sheet.empty");
    form.classList.toggle("dirty", Boolean(dirty()));
  }

  form.addEventListener("input", show);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!open || sent) return;
    if (!dirty()) return show();
    send(base.version);
  });

  return {
    el: form,
    // The field as the server has it now, and whether input is open.
    update(entry, isOpen, who, pending) {
      const now = entry ?? { value: emptyOf(spec.type), version: 0, by: null };
      open = isOpen;
      you = who;
      field.disable(!open);
      submit.hidden = !open;
      if (!base) {
        // First sight: the server's field, or a save still in the outbox from before a reload.
        field.set(pending ? pending.value : now.value);
        base = pending ? { value: now.value, version: pending.version, by: now.by } : now;
        sent = pending ? { value: pending.value, version: pending.version } : null;
      } else if (now.version !== base.version) {
        if (!dirty() && !sent) {
          field.set(now.value);
          resolve(now);
        } else if (sameValue(spec.type, field.get(), now.value)) resolve(now);
        else if (sent && sameValue(spec.type, sent.value, now.value)) resolve(now); // our own save
        else if (!sent && (!incoming || incoming.version !== now.version)) incoming = now;
      }
      show();
    },
    acked(command, ack) {
      if (command.type !== "sheet.edit" || command.field !== spec.id) return;
      sent = null;
      const version = ack.result?.version ?? base.version;
      if (!incoming || incoming.version <= version) resolve({ value: command.value, version, by: you });
      else show();
    },
    refused(command, error) {
      if (command.type !== "sheet.edit" || command.field !== spec.id) return false;
      sent = null;
      if (error.code === "conflict" && error.details?.current) {
        incoming = error.details.current;
        show();
        return true;
      }
      show();
      return false;
    },
  };
}
