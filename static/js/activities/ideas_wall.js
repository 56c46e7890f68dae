// The idea wall as the beamer and the phones show it: grouped by cluster (when there are
// clusters), pinned ideas first, merged duplicates under their idea ("also said: …"), and
// the support count once results are visible.

import { h, plural, syncList, t } from "../dom.js";

const order = (idea) => Number(String(idea.id).slice(1)) || 0; // i1, i2, ... in posting order

// Pinned first, then in the order of posting (the server's wall order).
export function wallOrder(ideas) {
  return [...ideas].sort((a, b) => (b.pinned ? 1 : 0) - (a.pinned ? 1 : 0) || order(a) - order(b));
}

// Support of an idea: the tally's count (moderator always; others once revealed), else
// what the record says (the moderator's records carry it).
export function supportOf(view, idea) {
  return view.results?.support?.[idea.id] ?? idea.support ?? null;
}

// Groups of the wall: one per cluster that has ideas, in the clusters' order, then the
// ideas in no cluster. Without clusters, one group without a heading.
export function groups(view, ideas) {
  const clusters = view.clusters || [];
  const sorted = wallOrder(ideas);
  if (!clusters.length) return [{ id: "all", name: null, ideas: sorted }];
  const known = new Set(clusters.map((c) => c.id));
  const out = clusters.map((c) => ({ id: c.id, name: c.name, ideas: sorted.filter((i) => i.cluster === c.id) }));
  out.push({ id: "none", name: t("cluster.none"), ideas: sorted.filter((i) => !known.has(i.cluster)) });
  const shown = out.filter((g) => g.ideas.length);
  // Nothing sorted into clusters yet: one plain wall, no "no cluster" heading over it.
  if (shown.length === 1 && shown[0].id === "none") shown[0].name = null;
  return shown;
}

const mergedTexts = (idea) => (idea.merged || []).map((m) => (typeof m === "string" ? m : m.text));

// The text lines of a card: the idea, "also said: …", and pinned/support in words.
export function cardParts(view, idea) {
  const merged = mergedTexts(idea);
  const support = view.config.support ? supportOf(view, idea) : null;
  return {
    text: idea.text,
    merged: merged.length ? t("idea.also_said", { texts: merged.join(" · ") }) : "",
    meta: [idea.pinned && t("idea.pinned"), support != null && plural("idea.supports", support)]
      .filter(Boolean).join(" · "),
  };
}

// A grouped wall: {el, update(view, ideas)}. makeCard() builds a card (an li), fillCard(li,
// idea) fills it; both come from the page, which knows what a card holds there.
export function groupedWall({ listClass, headingLevel = "h3", makeCard, fillCard, live = false }) {
  const el = h("div", { class: "wall-groups" });
  return {
    el,
    update(view, ideas) {
      syncList(el, groups(view, ideas), (g) => g.id, (g) => {
        const list = h("ul", { class: listClass });
        if (live) {
          list.setAttribute("aria-live", "polite");
          list.setAttribute("aria-relevant", "additions");
        }
        return h("section", { class: "wall-group" }, h(headingLevel, { class: "cluster-name" }), list);
      }, (section, g) => {
        const [heading, list] = section.children;
        heading.textContent = g.name ? `${g.name} (${g.ideas.length})` : "";
        heading.hidden = !g.name;
        syncList(list, g.ideas, (i) => i.id, makeCard, fillCard);
      });
    },
  };
}
