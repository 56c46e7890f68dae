// The phone's side of ranking (static/js/activities/ranking.js has what the audiences share).

import { itemsOf, labelOf } from "../activities/items.js";
import { closedAndResults } from "../phone/items.js";
import { ranked, results, rules } from "../activities/ranking.js";
import { h, syncList, t } from "../dom.js";
import { fillItem, itemText, sendBar } from "./parts.js";

export function acked(ctx, command, ack) {
  if (command.type !== "ranking.set") return;
  ctx.live.state.mine[command.activity] = { order: ack.result?.order ?? command.order };
  ctx.say(t(command.order.length ? "ranking.sent" : "ranking.withdrawn"));
}



export function participant(ctx) {
  let activity = null;
  let order = []; // item ids, top first, as on the screen
  let dirty = false; // moved here and not sent yet
  const how = h("p", { class: "hint", id: "ranking-how" });
  const list = h("ol", { class: "rank-items", "aria-describedby": "ranking-how" });
  const moved = h("p", { class: "visually-hidden rank-moved", "aria-live": "polite", "aria-atomic": "true" });
  const submit = h("button", { type: "submit", class: "primary" });
  const form = h("form", { class: "stack", onsubmit: (e) => {
    e.preventDefault();
    ctx.live.send("ranking.set", { activity: activity.id, order: order.slice(0, ranked(activity)) });
    dirty = false;
    ctx.say(t("poll.sending"));
  } }, h("fieldset", {}, h("legend", {}, t("ranking.legend")), how, list), moved, sendBar(submit));
  const mineLine = h("p", { class: "chosen" });
  const end = closedAndResults(results());
  const el = h("div", { class: "stack" }, form, mineLine, ...end.els);

  function sent() {
    const pending = ctx.live.pending("ranking.set").filter((c) => c.activity === activity.id).pop();
    return pending?.order ?? ctx.live.state.mine[activity.id]?.order ?? [];
  }

  function move(id, delta, which) {
    const from = order.indexOf(id);
    const to = from + delta;
    if (activity.status !== "active" || to < 0 || to >= order.length) return;
    order.splice(from, 1);
    order.splice(to, 0, id);
    dirty = true;
    render();
    list.querySelector(`[data-key="${CSS.escape(id)}"] .${which}`)?.focus();
    moved.textContent = t("ranking.moved", { item: label(id), n: to + 1, total: order.length });
  }

  const session = () => ctx.live.state.session;
  const label = (id) => itemText(session(), itemsOf(activity).find((i) => i.id === id) ?? { label: labelOf(activity, id) });

  function row(item) {
    const up = h("button", { type: "button", class: "step up", onclick: () => move(item.id, -1, "up") }, "▲");
    const down = h("button", { type: "button", class: "step down", onclick: () => move(item.id, 1, "down") }, "▼");
    return h("li", { class: "rank-item" },
      h("span", { class: "rank-place" }), h("span", { class: "rank-label" }),
      h("span", { class: "actions" }, up, down));
  }

  function render() {
    const open = activity.status === "active";
    const k = ranked(activity);
    const all = itemsOf(activity);
    const items = order.map((id) => all.find((i) => i.id === id) ?? { id, label: labelOf(activity, id) });
    syncList(list, items, (i) => i.id, row, (li, item) => {
      const place = order.indexOf(item.id);
      const [number, name, actions] = li.children;
      const [up, down] = actions.children;
      number.textContent = place < k ? `${place + 1}.` : "–";
      fillItem(name, session(), item);
      li.classList.toggle("unranked", place >= k);
      li.classList.toggle("cut", place === k);
      up.setAttribute("aria-label", t("ranking.up", { item: itemText(session(), item) }));
      down.setAttribute("aria-label", t("ranking.down", { item: itemText(session(), item) }));
      up.setAttribute("aria-disabled", String(!open || place === 0));
      down.setAttribute("aria-disabled", String(!open || place === order.length - 1));
      actions.hidden = !open;
    });
  }

  return {
    el,
    update(view) {
      const fresh = activity?.id !== view.id;
      activity = view;
      const ids = itemsOf(view).map((i) => i.id);
      const mine = sent();
      if (fresh || !dirty) order = [...mine.filter((id) => ids.includes(id)), ...ids.filter((id) => !mine.includes(id))];
      how.textContent = rules(view);
      render();
      const open = view.status === "active";
      submit.hidden = !open;
      submit.textContent = t(mine.length ? "ranking.change" : "ranking.send");
      mineLine.hidden = !mine.length;
      mineLine.textContent = mine.length ? t("ranking.yours", {
        order: mine.map((id, i) => `${i + 1}. ${label(id)}`).join(", ") }) : "";
      end.update(view);
    },
  };
}
