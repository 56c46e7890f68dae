// The beamer's side of dots (static/js/activities/dots.js has what the audiences share).

import { results, rules } from "../activities/dots.js";
import { itemsSlide } from "./parts.js";

export function presenter(ctx) {
  return itemsSlide(ctx, { rules: (view) => rules(view.config), results: results(), hideRules: true });
}
