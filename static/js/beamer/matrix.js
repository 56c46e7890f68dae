// The beamer's side of matrix (static/js/activities/matrix.js has what the audiences share).

import { itemsPresenter } from "../activities/items.js";
import { results, rules } from "../activities/matrix.js";

export function presenter() {
  return itemsPresenter({ rules: (view) => rules(view.config), results: results() });
}
