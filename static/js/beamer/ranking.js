// The beamer's side of ranking (static/js/activities/ranking.js has what the audiences share).

import { itemsPresenter } from "../activities/items.js";
import { results, rules } from "../activities/ranking.js";

export function presenter() {
  return itemsPresenter({ rules, results: results(), hideRules: true });
}
