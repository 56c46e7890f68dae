// The feed in the console's right column: what has just come in to the current activity
// (ideas or questions, of every group), newest first, with the moderation's quickest answers
// (approve, hide, show again). The full list with every tool is the activity's card.

import { changed, fill, h, plural, syncList, t } from "../dom.js";
import { groupName } from "../groups.js";

const SHOWN = 12;
const number = (item) => Number(String(item.id).replace(/^\D+/, "")) || 0;

// The entries of an activity's instances: [{item, group}], ideas not merged into another.
function entries(activity) {
  const field = activity.kind === "ideas" ? "ideas" : "questions";
  const instances = activity.per_group && activity.groups && !Array.isArray(activity.groups)
    ? Object.entries(activity.groups).map(([group, own]) => [group, own[field] || []])
    : [[null, activity[field] || []]];
  return instances.flatMap(([group, items]) => items
    .filter((item) => !item.merged_into && !item.withdrawn)
    .map((item) => ({ item, group, key: `${group ?? ""}:${item.id}` })));
}

export function feedPanel(live, closed) {
  const count = h("p", { class: "hint" });
  const list = h("ol", { class: "feed-list" });
  const el = h("section", { class: "panel feed", "aria-labelledby": "h-feed", hidden: true },
    h("h2", { id: "h-feed" }, t("feed.title")), count, list);
  let activity = null;

  function show(li, { item, group }) {
    const ideas = activity.kind === "ideas";
    const pending = ideas ? item.pending : item.approved === false;
    const send = (type) => live.send(type, { activity: activity.id, [ideas ? "idea" : "question"]: item.id,
      ...(group ? { group } : {}) });
    const noun = ideas ? "idea" : "question";
    li.classList.toggle("muted", Boolean(item.hidden));
    li.classList.toggle("pending", Boolean(pending));
    const where = group && groupName(live.state.session, group);
    const meta = [where, pending && t(ideas ? "idea.pending_short" : "qa.pending_short"), item.hidden && t("idea.hidden")]
      .filter(Boolean).join(" · ");
    fill(li,
      h("p", { class: "feed-text" }, item.text),
      !closed() && h("span", { class: "feed-actions" },
        pending && h("button", { type: "button", class: "small primary", onclick: () =>
          send(`${noun}.approve`) }, t("idea.approve")),
        h("button", { type: "button", class: "small", onclick: () =>
          send(item.hidden ? `${noun}.restore` : `${noun}.hide`) }, t(item.hidden ? "idea.restore" : "idea.hide"))),
      meta && h("p", { class: "feed-meta" }, meta));
  }

  return {
    el,
    update(session) {
      activity = session.activities.find((a) => a.id === session.current) ?? null;
      const usable = activity && ["ideas", "qa"].includes(activity.kind);
      el.hidden = !usable;
      if (!usable) return;
      const all = entries(activity);
      const waiting = all.filter(({ item }) => item.pending || item.approved === false).length;
      count.textContent = [plural("feed.count", all.length), waiting && plural("idea.waiting", waiting)]
        .filter(Boolean).join(" · ");
      // Waiting for approval first, then the newest.
      const newest = [...all].sort((a, b) =>
        Number(Boolean(b.item.pending || b.item.approved === false)) - Number(Boolean(a.item.pending || a.item.approved === false))
        || number(b.item) - number(a.item)).slice(0, SHOWN);
      syncList(list, newest, (e) => e.key, () => h("li", {}), (li, entry) => {
        if (changed(li, entry.item, closed(), activity.id)) show(li, entry);
      });
    },
  };
}
