// A measure sheet as people read it (beamer, console, and on the phone the other person's
// version of a field): the fields with their labels, steps as a list with dates.

import { h, syncList, t } from "../dom.js";

const LANG = document.documentElement.lang || "de";
const DATE = new Intl.DateTimeFormat(LANG, { dateStyle: "medium", timeZone: "UTC" });

export function formatDate(iso) {
  const when = Date.parse(`${iso}T00:00:00Z`);
  return Number.isFinite(when) ? DATE.format(when) : iso;
}

export const isFilled = (value) => (Array.isArray(value) ? value.length > 0 : Boolean(value));

// One field's value as an element.
export function showValue(spec, value) {
  if (!isFilled(value)) return h("p", { class: "note" }, t("sheet.not_filled"));
  if (spec.type === "rows") {
    return h("ol", { class: "sheet-steps" }, value.map((row) => h("li", {},
      h("span", {}, row.step || "–"),
      row.date ? h("span", { class: "sheet-date" }, ` · ${formatDate(row.date)}`) : null)));
  }
  if (spec.type === "date") return h("p", {}, formatDate(value));
  return h("p", { class: "sheet-text" }, value);
}

// The fields of a view's config (a draft may have none yet: the server fills in defaults).
export const fieldsOf = (view) => view.config?.fields || [];

// How many fields have something in them, from the sheet itself.
export function progress(view) {
  const fields = fieldsOf(view);
  const sheet = view.sheet || {};
  const filled = fields.filter((f) => isFilled(sheet[f.id]?.value)).length;
  return t("sheet.progress", { filled, total: fields.length });
}

// The whole sheet, read-only: {el, update(view)}.
export function sheetView() {
  const count = h("p", { class: "hint sheet-progress" });
  const list = h("dl", { class: "sheet" });
  return {
    el: h("div", { class: "stack" }, count, list),
    update(view) {
      const sheet = view.sheet || {};
      count.textContent = progress(view);
      syncList(list, fieldsOf(view), (f) => f.id,
        (f) => h("div", { class: "sheet-entry" }, h("dt", {}, f.label), h("dd", {})),
        (div, f) => {
          const value = sheet[f.id]?.value;
          if (div.shown === JSON.stringify(value)) return;
          div.shown = JSON.stringify(value);
          div.lastChild.replaceChildren(showValue(f, value));
          div.classList.toggle("empty", !isFilled(value));
        });
    },
  };
}
