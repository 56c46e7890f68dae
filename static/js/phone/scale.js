// The phone's side of scale (static/js/activities/scale.js has what the audiences share).

import { itemsOf } from "../activities/items.js";
import { closedAndResults } from "../phone/items.js";
import { CANT, criteriaOf, results, rules, values } from "../activities/scale.js";
import { h, syncList, t } from "../dom.js";
import { fillItem, sendBar } from "./parts.js";

export function acked(ctx, command, ack) {
  if (command.type !== "scale.rate") return;
  const mine = (ctx.live.state.mine[command.activity] ||= {});
  const ratings = ((mine.ratings ||= {})[command.item] ||= {});
  if (command.clear) delete ratings[command.criterion];
  else ratings[command.criterion] = ack.result?.value ?? command.value;
}



export function participant(ctx) {
  let activity = null;
  const how = h("p", { class: "hint" });
  const progress = h("p", { class: "chosen", "aria-live": "polite" });
  const list = h("div", { class: "scale-items stack" });
  const end = closedAndResults(results());
  const el = h("div", { class: "stack" }, how, list, sendBar(progress), ...end.els);

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
      // The prompt usually says it already; then only screen readers need the rules.
      how.classList.toggle("visually-hidden", Boolean(view.prompt));
      syncList(list, items, (i) => i.id, itemBlock, (block, item) => {
        fillItem(block.firstChild, ctx.live.state.session, item);
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
