// The beamer's side of scale (static/js/activities/scale.js has what the audiences share): one
// ranked chart per criterion, side by side.

import { results, rules } from "../activities/scale.js";
import { itemsSlide } from "./parts.js";

export function presenter(ctx) {
  return itemsSlide(ctx, { rules: (view) => rules(view.config), results: results({ level: "h3" }) });
}
