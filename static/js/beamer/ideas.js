// The beamer's side of ideas (static/js/activities/ideas.js has what the audiences share): the
// wall as cards in columns (clusters side by side), each text clamped to a few lines.

import { cardParts, groupedWall } from "../activities/ideas_wall.js";
import { h, plural, t } from "../dom.js";

export function presenter() {
  const count = h("p", { class: "count" });
  const empty = h("p", { class: "note" });
  let first = true;
  let current = null;
  const wall = groupedWall({
    listClass: "wall fit-list fit-cols", live: true,
    makeCard: () => {
      const li = h("li", { class: "card" }, h("p", { class: "idea-text fit-clamp" }),
        h("p", { class: "also fit-clamp-1" }), h("p", { class: "meta" }));
      if (!first) li.classList.add("new"); // only ideas arriving live fade in
      return li;
    },
    fillCard: (li, idea) => {
      const parts = cardParts(current, idea);
      const [text, also, meta] = li.children;
      text.textContent = parts.text;
      also.textContent = parts.merged;
      also.hidden = !parts.merged;
      meta.textContent = parts.meta;
      meta.hidden = !parts.meta;
      li.classList.toggle("pinned", Boolean(idea.pinned));
    },
  });
  return {
    el: h("div", { class: "stack ideas-wall" }, count, empty, wall.el),
    update(view) {
      current = view;
      const ideas = view.ideas || [];
      const shown = view.config.live_wall || view.revealed;
      count.textContent = plural("idea.count", ideas.length);
      count.hidden = !shown;
      empty.textContent = shown ? t("idea.none_yet") : t("idea.wall_later");
      empty.hidden = shown && ideas.length > 0;
      wall.update(view, ideas);
      wall.el.style.setProperty("--clusters", String(Math.min(4, wall.el.children.length || 1)));
      first = false;
    },
  };
}
