// Scale: each phone rates every item on one to four criteria (say 1–5), or says it cannot
// judge; results are mean, median and distribution per item and criterion.

import { bars } from "../charts.js";
import { decimal, h, plural, t } from "../dom.js";
import { labelOf } from "./items.js";

export const CANT = "cant"; // the radio value of "can't judge" (null on the wire)

export function reduce() {
  // Ratings never arrive as events, only as tallies.
}

export const values = (config) => Array.from({ length: config.max - config.min + 1 }, (_, i) => config.min + i);
export const criteriaOf = (config) => config.criteria || [];

// One chart per criterion: items by mean, with median, count, "can't judge" and the
// distribution written out.
export function results({ level = "h4" } = {}) {
  const el = h("div", { class: "results scale-results" });
  const voters = h("p", { class: "hint", "aria-live": "polite" });
  let charts = [];
  return {
    el: h("div", {}, el, voters),
    update(view) {
      const config = view.config;
      const criteria = criteriaOf(config);
      if (charts.length !== criteria.length) {
        charts = criteria.map(() => ({ heading: h(level, {}), chart: bars({ ranked: true }) }));
        el.replaceChildren(...charts.flatMap((c) => [c.heading, c.chart.el]));
      }
      criteria.forEach((criterion, index) => {
        const { heading, chart } = charts[index];
        heading.textContent = criterion.label;
        heading.hidden = criteria.length === 1;
        const rows = view.results.items.map((item, i) => ({ item, i, r: item.criteria?.[criterion.id] || {} }))
          .sort((a, b) => (b.r.mean ?? -Infinity) - (a.r.mean ?? -Infinity) || a.i - b.i);
        let rank = 0;
        chart.update(rows.map(({ item, r }, i) => {
          if (i === 0 || r.mean !== rows[i - 1].r.mean) rank = i + 1;
          return {
            key: item.id, label: labelOf(view, item.id), rank: r.mean == null ? null : rank,
            value: r.mean == null ? 0 : r.mean - config.min + 1, max: config.max - config.min + 1,
            text: t("scale.summary", { mean: decimal(r.mean), median: decimal(r.median) }),
            detail: [plural("scale.ratings", r.n ?? 0),
              r.cant_judge ? t("scale.cant_count", { n: r.cant_judge }) : "",
              r.n ? t("scale.distribution", { min: config.min, max: config.max,
                counts: (r.distribution || []).join(" · ") }) : ""].filter(Boolean).join(" · "),
          };
        }));
      });
      voters.textContent = plural("poll.voters", view.results.voters);
    },
  };
}

export function rules(config) {
  return t("scale.rules", { min: config.min, max: config.max,
    criteria: criteriaOf(config).map((c) => c.label).join(", ") });
}
