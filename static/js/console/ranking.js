// The console's side of ranking (static/js/activities/ranking.js has what the audiences share).

import { itemsFromForm, itemsModerator } from "../console/items.js";
import { results, rules } from "../activities/ranking.js";

export function configFrom(data) {
  const top = Number(data.get("top"));
  return { items: itemsFromForm(data), top: top >= 2 ? top : null };
}

export function moderator(ctx) {
  return itemsModerator(ctx, { rules, results: results() });
}
