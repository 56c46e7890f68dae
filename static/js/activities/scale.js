// Scale: each phone rates every item on one to four criteria (say 1–5), or says it cannot
// judge; results are mean, median and distribution per item and criterion.

import { bars } from "../charts.js";
import { decimal, h, plural, syncList, t } from "../dom.js";
import { closedAndResults, itemsFromForm, itemsModerator, itemsOf, itemsPresenter, labelOf } from "./items.js";

const CANT = "cant"; // the radio value of "can't judge" (null on the wire)

export function reduce() {
  // Ratings never arrive as events, only as tallies.
}

export function acked(ctx, command, ack) {
  if (command.type !== "scale.rate") return;
  const mine = (ctx.live.state.mine[command.activity] ||= {});
  const ratings = ((mine.ratings ||= {})[command.item] ||= {});
  if (command.clear) delete ratings[command.criterion];
  else ratings[command.criterion] = ack.result?.value ?? command.value;
}

const values = (config) => Array.from({ length: config.max - config.min + 1 }, (_, i) => config.min + i);
const criteriaOf = (config) => config.criteria || [];

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

function rules(config) {
  return t("scale.rules", { min: config.min, max: config.max,
    criteria: criteriaOf(config).map((c) => c.label).join(", ") });
}

// -- participant --------------------------------------------------------------------------

export function participant(ctx) {
  let activity = null;
  const how = h("p", { class: "hint" });
  const progress = h("p", { class: "chosen", "aria-live": "polite" });
  const list = h("div", { class: "scale-items stack" });
  const end = closedAndResults(results());
  const el = h("div", { class: "stack" }, how, list, progress, ...end.els);

  function ratings() {
    const own = structuredClone(ctx.live.state.mine[activity.id]?.ratings || {});
    for (const c of ctx.live.pending("scale.rate")) {
      if (c.activity !== activity.id) continue;
      const item = (own[c.item] ||= {});
      if (c.clear) delete item[c.criterion];
      else item[c.criterion] = c.value;
    }
    return own;
  }

  function rate(item, criterion, raw) {
    if (activity.status !== "active") return;
    const value = raw === CANT ? null : Number(raw);
    ctx.live.send("scale.rate", { activity: activity.id, item: item.id, criterion: criterion.id, value });
  }

  // A fieldset per item, inside it one per criterion: the legends name what is rated.
  function itemBlock(item) {
    const config = activity.config;
    const name = h("legend", { class: "scale-item-label" });
    const groups = criteriaOf(config).map((criterion) => {
      const group = `scale-${activity.id}-${item.id}-${criterion.id}`;
      const radio = (value, text, cls) => h("label", { class: cls },
        h("input", { type: "radio", name: group, value: String(value),
          onchange: (e) => rate(item, criterion, e.target.value) }),
        h("span", {}, text));
      const labels = config.labels || {};
      return h("fieldset", { class: "scale-criterion", "data-criterion": criterion.id },
        h("legend", {}, criterion.label),
        h("div", { class: "scale-points" }, values(config).map((v) =>
          radio(v, labels[String(v)] ? `${v} ${labels[String(v)]}` : String(v), "scale-point"))),
        radio(CANT, t("scale.cant_judge"), "option cant-judge"));
    });
    return h("fieldset", { class: "scale-item" }, name, ...groups);
  }

  return {
    el,
    update(view) {
      const fresh = activity?.id !== view.id;
      activity = view;
      const open = view.status === "active";
      const own = ratings();
      const items = itemsOf(view);
      const criteria = criteriaOf(view.config);
      if (fresh) list.replaceChildren();
      how.textContent = rules(view.config);
      syncList(list, items, (i) => i.id, itemBlock, (block, item) => {
        block.firstChild.textContent = item.label;
        for (const group of block.querySelectorAll(".scale-criterion")) {
          const value = own[item.id]?.[group.dataset.criterion];
          const wanted = value === undefined ? "" : value === null ? CANT : String(value);
          for (const input of group.querySelectorAll("input")) {
            input.checked = input.value === wanted;
            input.disabled = !open;
          }
        }
      });
      const done = items.reduce((n, item) => n + criteria.filter((c) => own[item.id]?.[c.id] !== undefined).length, 0);
      progress.textContent = t("scale.progress", { done, total: items.length * criteria.length });
      end.update(view);
    },
  };
}

// -- presenter ----------------------------------------------------------------------------

export function presenter() {
  return itemsPresenter({ rules: (view) => rules(view.config), results: results({ level: "h3" }) });
}

// -- moderator ----------------------------------------------------------------------------

// Criterion ids from their labels: "Umsetzbarkeit" -> "umsetzbarkeit", unique in the list.
export function slug(label, taken) {
  const base = label.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue")
    .replace(/ß/g, "ss").normalize("NFKD").replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 26) || "k";
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

export function configFrom(data) {
  const taken = new Set();
  const labels = String(data.get("criteria") || "").split("\n").map((l) => l.trim()).filter(Boolean);
  const config = { items: itemsFromForm(data), min: Number(data.get("min")), max: Number(data.get("max")) };
  if (labels.length) config.criteria = labels.map((label) => ({ id: slug(label, taken), label }));
  const low = String(data.get("low") || "").trim();
  const high = String(data.get("high") || "").trim();
  if (low || high) {
    config.labels = {};
    if (low) config.labels[String(config.min)] = low;
    if (high) config.labels[String(config.max)] = high;
  }
  return config;
}

export function moderator(ctx) {
  return itemsModerator(ctx, { rules: (view) => rules(view.config), results: results() });
}
