// Measure sheet: a group fills in one sheet together, field by field, from several phones
// (measure_field.js: saving with versions, and conflicts); the beamer and the console show
// every group's sheet as it grows (measure_show.js).

import { h, t } from "../dom.js";
import { fieldEditor } from "./measure_field.js";
import { fieldsOf, isFilled, progress, sheetView } from "./measure_show.js";

// sheet.edited carries the field's new value and version (and who changed it, as "by").
export function reduce(activity, name, data, at) {
  if (name !== "sheet.edited") return;
  const sheet = (activity.sheet ||= {});
  sheet[data.field] = { value: data.value, version: data.version,
    by: data.by ?? data.participant ?? null, at: data.at ?? at };
  // The results are the sheet too (for the archive); no tally follows, so keep them in step.
  if (activity.results?.sheet) {
    activity.results.sheet[data.field] = data.value;
    const values = Object.values(activity.results.sheet);
    activity.results.filled = values.filter(isFilled).length;
    activity.results.complete = activity.results.filled === values.length;
  }
}

// -- participant --------------------------------------------------------------------------

let serial = 0;

export function participant(ctx) {
  const uid = `sheet-${(serial += 1)}`;
  let activity = null;
  let editors = [];
  const count = h("p", { class: "hint sheet-progress" });
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const fields = h("div", { class: "stack sheet-form" });
  const el = h("div", { class: "stack" }, h("p", { class: "hint" }, t("sheet.how")), count, closed, fields);
  const save = (field, value, version) =>
    ctx.live.send("sheet.edit", { activity: activity.id, field, value, version });

  return {
    el,
    update(view) {
      if (activity?.id !== view.id || !editors.length) {
        editors = fieldsOf(view).map((spec) => fieldEditor(spec, { uid, save }));
        fields.replaceChildren(...editors.map((e) => e.el));
      }
      activity = view;
      const open = view.status === "active";
      closed.hidden = open;
      count.textContent = progress(view);
      const you = ctx.live.state.you?.participant ?? null;
      const pending = ctx.live.pending("sheet.edit").filter((c) => c.activity === view.id);
      fieldsOf(view).forEach((spec, i) => {
        const waiting = pending.filter((c) => c.field === spec.id).pop();
        editors[i].update(view.sheet?.[spec.id], open, you, waiting);
      });
    },
    acked(command, ack) {
      for (const editor of editors) editor.acked(command, ack);
    },
    refused(command, error) {
      return editors.some((editor) => editor.refused(command, error));
    },
  };
}

// -- presenter and moderator ----------------------------------------------------------------

export function presenter() {
  const sheet = sheetView();
  return { el: sheet.el, update: (view) => sheet.update(view) };
}

export function moderator() {
  return presenter();
}

// The config of activity.create from templates/moderator/activities/measure.html: empty for
// the default fields, else one field per line, "label | kind".
const TYPES = {
  short: "text", kurz: "text", text: "text", long: "long", lang: "long",
  steps: "rows", schritte: "rows", rows: "rows", zeilen: "rows", date: "date", datum: "date",
};

const slug = (label) => label.toLowerCase()
  .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
  .normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 24);

export function configFrom(data) {
  const lines = String(data.get("fields") || "").split("\n").map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return {};
  const taken = new Set();
  return {
    fields: lines.map((line, i) => {
      const cut = line.lastIndexOf("|");
      const named = cut >= 0 ? TYPES[line.slice(cut + 1).trim().toLowerCase()] : null;
      const label = (named ? line.slice(0, cut) : line).trim() || line;
      const base = slug(label) || `field_${i + 1}`;
      let id = base;
      for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`;
      taken.add(id);
      return { id, label, type: named || "long" };
    }),
  };
}
