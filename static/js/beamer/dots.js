// The beamer's side of dots (static/js/activities/dots.js has what the audiences share).

import { results, rules } from "../activities/dots.js";
import { itemsPresenter } from "../activities/items.js";

export function presenter() {
  return itemsPresenter({ rules: (view) => rules(view.config), results: results(), hideRules: true });
}
