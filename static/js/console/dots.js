// The console's side of dots (static/js/activities/dots.js has what the audiences share).

import { results, rules } from "../activities/dots.js";
import { itemsFromForm, itemsModerator } from "../console/items.js";

export function configFrom(data) {
  return { items: itemsFromForm(data), dots: Number(data.get("dots")),
    per_item: Number(data.get("per_item")) };
}

export function moderator(ctx) {
  return itemsModerator(ctx, { rules: (view) => rules(view.config), results: results() });
}
