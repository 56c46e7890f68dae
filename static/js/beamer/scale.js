// The beamer's side of scale (static/js/activities/scale.js has what the audiences share).

import { itemsPresenter } from "../activities/items.js";
import { results, rules } from "../activities/scale.js";

export function presenter() {
  return itemsPresenter({ rules: (view) => rules(view.config), results: results({ level: "h3" }) });
}
