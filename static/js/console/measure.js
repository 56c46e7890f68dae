// The console's side of measure (static/js/activities/measure.js has what the audiences share).

import { sheetView } from "../activities/measure_show.js";

export function moderator() {
  const sheet = sheetView();
  return { el: sheet.el, update: (view) => sheet.update(view) };
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
