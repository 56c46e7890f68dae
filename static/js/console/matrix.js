// The console's side of matrix (static/js/activities/matrix.js has what the audiences share).

import { itemsFromForm, itemsModerator } from "../console/items.js";
import { results, rules } from "../activities/matrix.js";

function axisFrom(data, name) {
  const axis = {};
  for (const part of ["label", "low", "high"]) {
    const value = String(data.get(`${name}_${part}`) || "").trim();
    if (value) axis[part] = value;
  }
  return Object.keys(axis).length ? axis : null;
}

export function configFrom(data) {
  const config = { items: itemsFromForm(data), steps: Number(data.get("steps")) || 5 };
  const x = axisFrom(data, "x");
  const y = axisFrom(data, "y");
  if (x) config.x = x;
  if (y) config.y = y;
  return config;
}

export function moderator(ctx) {
  return itemsModerator(ctx, { rules: (view) => rules(view.config), results: results() });
}
