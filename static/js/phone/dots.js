// The phone's side of dots (static/js/activities/dots.js has what the audiences share).

import { results, rules } from "../activities/dots.js";
import { itemsOf } from "../activities/items.js";
import { closedAndResults } from "../phone/items.js";
import { h, plural, syncList, t } from "../dom.js";
import { fillItem, itemText, sendBar } from "./parts.js";

export function acked(ctx, command, ack) {
  if (command.type !== "dots.set" || !ack.result?.placed) return;
  ctx.live.state.mine[command.activity] = { placed: ack.result.placed, left: ack.result.left };
}



export function participant(ctx) {
  let activity = null;
  const how = h("p", { class: "hint" });
  const left = h("p", { class: "dots-left", "aria-live": "polite", "aria-atomic": "true" });
  const list = h("ul", { class: "dot-items" });
  const group = h("fieldset", {}, h("legend", {}, t("dots.legend")), how, list);
  const end = closedAndResults(results());
  // The dots left and what a tap did, at the bottom of the screen while the list is longer.
  const el = h("div", { class: "stack" }, group, sendBar(left), ...end.els);

  // Own dots as the server has them, with the commands still on their way laid over them.
  function placed() {
    const own = { ...(ctx.live.state.mine[activity.id]?.placed || {}) };
    for (const c of ctx.live.pending("dots.set")) if (c.activity === activity.id) own[c.item] = c.count;
    return own;
  }

  function change(item, delta) {
    const own = placed();
    const count = (own[item.id] || 0) + delta;
    const spent = Object.values(own).reduce((a, b) => a + b, 0);
    const config = activity.config;
    if (activity.status !== "active") return;
    if (count < 0) return;
    if (delta > 0 && spent >= config.dots) return ctx.say(t("dots.none_left"), "error");
    if (count > config.per_item) {
      return ctx.say(t("dots.item_full", { n: config.per_item }), "error");
    }
    ctx.live.send("dots.set", { activity: activity.id, item: item.id, count });
  }

  function row(item) {
    const labelId = `dots-${activity.id}-${item.id}`;
    const minus = h("button", { type: "button", class: "step", onclick: () => change(item, -1) }, "−");
    const plus = h("button", { type: "button", class: "step", onclick: () => change(item, 1) }, "+");
    const pips = h("span", { class: "pips", "aria-hidden": "true" });
    const count = h("span", { class: "dot-count" });
    return h("li", { class: "dot-item" },
      h("span", { class: "dot-label", id: labelId }),
      h("span", { class: "dot-controls" }, minus, h("span", { class: "dot-state" }, pips, count), plus));
  }

  return {
    el,
    update(view) {
      activity = view;
      const config = view.config;
      const own = placed();
      const spent = Object.values(own).reduce((a, b) => a + b, 0);
      const open = view.status === "active";
      how.textContent = rules(config);
      left.textContent = t("dots.left", { left: plural("dots.points", config.dots - spent),
        dots: config.dots });
      syncList(list, itemsOf(view), (i) => i.id, row, (li, item) => {
        const n = own[item.id] || 0;
        const [name, controls] = li.children;
        const [minus, state, plus] = controls.children;
        const session = ctx.live.state.session;
        fillItem(name, session, item);
        state.lastChild.textContent = plural("dots.points", n);
        state.firstChild.textContent = "●".repeat(n) + "○".repeat(Math.max(0, config.per_item - n));
        li.classList.toggle("chosen", n > 0);
        minus.setAttribute("aria-label", t("dots.remove", { item: itemText(session, item) }));
        plus.setAttribute("aria-label", t("dots.add", { item: itemText(session, item) }));
        // aria-disabled, not disabled: the focused button stays focused when it runs out.
        minus.setAttribute("aria-disabled", String(!open || n === 0));
        plus.setAttribute("aria-disabled",
          String(!open || n >= config.per_item || spent >= config.dots));
        controls.hidden = !open && n === 0;
      });
      end.update(view);
    },
  };
}
