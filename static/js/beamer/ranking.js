// The beamer's side of ranking (static/js/activities/ranking.js has what the audiences share).

import { results, rules } from "../activities/ranking.js";
import { itemsSlide } from "./parts.js";

export function presenter(ctx) {
  return itemsSlide(ctx, { rules, results: results(), hideRules: true });
}
