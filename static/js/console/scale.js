// The console's side of scale (static/js/activities/scale.js has what the audiences share).

import { itemsFromForm, itemsModerator } from "../console/items.js";
import { results, rules } from "../activities/scale.js";

// Criterion ids from their labels: "Umsetzbarkeit" -> "umsetzbarkeit", unique in the list.
export function slug(label, taken) {
  const base = label.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue")
    .replace(/ß/g, "ss").normalize("NFKD").replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 26) || "k";
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

export function configFrom(data) {
  const taken = new Set();
  const labels = String(data.get("criteria") || "").split("\n").map((l) => l.trim()).filter(Boolean);
  const config = { items: itemsFromForm(data), min: Number(data.get("min")), max: Number(data.get("max")) };
  if (labels.length) config.criteria = labels.map((label) => ({ id: slug(label, taken), label }));
  const low = String(data.get("low") || "").trim();
  const high = String(data.get("high") || "").trim();
  if (low || high) {
    config.labels = {};
    if (low) config.labels[String(config.min)] = low;
    if (high) config.labels[String(config.max)] = high;
  }
  return config;
}

export function moderator(ctx) {
  return itemsModerator(ctx, { rules: (view) => rules(view.config), results: results() });
}
