// Dot voting: each phone spends N dots on the items, at most M on one; the result is the
// items ranked by their dots (for the moderator always, for beamer and phones once revealed).

import { bars } from "../charts.js";
import { h, plural, t } from "../dom.js";
import { labelOf } from "./items.js";

export function reduce() {
  // Dots never arrive as events, only as tallies.
}

// Ranked bars: most dots first, ties in item order (the results come in item order).
export function results() {
  const chart = bars({ ranked: true });
  const total = h("p", { class: "hint", "aria-live": "polite" });
  return {
    el: h("div", { class: "results" }, chart.el, total),
    update(view) {
      const r = view.results;
      const items = [...r.items].map((item, i) => ({ ...item, i }))
        .sort((a, b) => b.dots - a.dots || a.i - b.i);
      const max = Math.max(1, ...items.map((item) => item.dots));
      let rank = 0;
      chart.update(items.map((item, i) => {
        if (i === 0 || item.dots !== items[i - 1].dots) rank = i + 1;
        return { key: item.id, label: labelOf(view, item.id), value: item.dots, max, rank,
          text: `${plural("dots.points", item.dots)} · ${plural("dots.people", item.voters)}` };
      }));
      total.textContent = t("dots.total", { people: plural("dots.people", r.voters),
        points: plural("dots.points", r.dots) });
    },
  };
}

export const rules = (config) => t("dots.rules", { dots: plural("dots.points", config.dots),
  per_item: plural("dots.points", config.per_item) });
