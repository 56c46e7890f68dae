// Parts every beamer widget uses: the response count before the reveal, the items with their
// group's name, and "results follow".

import { groupOfItem, itemsOf } from "../activities/items.js";
import { groupName, sizeOf } from "../groups.js";
import { h, plural, syncList, t } from "../dom.js";

// "23 von 40 haben abgestimmt" while the results are hidden (the server counts `responses`
// for the presenter only then); "" when there is no count.
export function responsesLine(view, total) {
  if (typeof view.responses !== "number" || (view.revealed && view.results)) return "";
  return plural("presenter.responses", view.responses, { total: Math.max(total ?? 0, view.responses) });
}

// The people a count is out of: the group's members for a group's instance, else everyone.
export function audienceOf(session, view) {
  if (view.per_group && view.group) {
    const group = (session.groups || []).find((g) => g.id === view.group);
    return group ? sizeOf(group) : 0;
  }
  return session.participants?.count ?? 0;
}

// The group an item came from (items taken from a per-group collection carry it).
function itemGroup(session, view, id) {
  return groupOfItem(session, itemsOf(view).find((i) => i.id === id)) ?? "";
}

export const groupTag = (name) => h("span", { class: "group-tag" }, name);

// Rows of a list of items: each group's name once, over its items (items taken from the
// groups' walls come in group order).
export function groupedRows(session, view, entries) {
  const rows = [];
  let last = null;
  for (const entry of entries) {
    const item = itemsOf(view).find((i) => i.id === entry.id);
    const group = item?.group ? groupName(session, item.group) ?? "" : "";
    if (group && group !== last) rows.push({ key: `group:${item.group}`, group });
    last = group;
    rows.push({ key: entry.id, entry, group });
  }
  return rows;
}

// The items before the reveal: numbered, in columns, under their group's name.
export function itemsList(live) {
  const list = h("ul", { class: "beamer-items fit-list fit-cols" });
  return {
    el: list,
    update(view) {
      const items = itemsOf(view).map((item, i) => ({ ...item, number: i + 1 }));
      syncList(list, groupedRows(live.state.session, view, items), (r) => r.key,
        (r) => (r.entry
          ? h("li", {}, h("span", { class: "item-number" }), h("span", { class: "item-label fit-clamp" }))
          : h("li", { class: "items-group fit-head" }, groupTag(""))),
        (li, r) => {
          if (!r.entry) {
            li.firstChild.textContent = r.group;
            return;
          }
          const [number, label] = li.children;
          number.textContent = `${r.entry.number}.`;
          label.textContent = r.entry.label;
        });
    },
  };
}

// Fills the group tags that charts.bars leaves in each row (data-key = the item's id).
export function tagRows(root, session, view) {
  for (const row of root.querySelectorAll(".bars > [data-key]")) {
    const tag = row.querySelector(".group-tag");
    if (!tag) continue;
    tag.textContent = itemGroup(session, view, row.dataset.key);
    tag.hidden = !tag.textContent;
  }
}

export const waitingNote = () => h("p", { class: "note waiting" }, t("poll.results_follow"));

// A group's own count in its column (the slide's head counts the whole room in plenary).
export function responses(ctx) {
  const el = h("p", { class: "responses", "aria-live": "polite" });
  return {
    el,
    update(view) {
      el.textContent = view.per_group ? responsesLine(view, audienceOf(ctx.live.state.session, view)) : "";
      el.hidden = !el.textContent;
    },
  };
}

// Marks the rows ranked first (the winners) in a ranked bar chart.
export function markLeaders(root) {
  for (const li of root.querySelectorAll(".bars > li")) {
    li.classList.toggle("leader", li.querySelector(".bar-rank")?.textContent.trim() === "1.");
  }
}

// Dots, ranking, scale and matrix on the beamer: the rules, the items (with their groups) and
// "results follow" until the reveal, then the results with group tags and the winners set off.
export function itemsSlide(ctx, { rules, results, hideRules = false }) {
  const how = h("p", { class: "hint rules" });
  const items = itemsList(ctx.live);
  const waiting = waitingNote();
  const count = responses(ctx);
  for (const list of results.el.querySelectorAll(".bars")) list.classList.add("fit-list");
  return {
    el: h("div", { class: "stack items-slide" }, how, count.el, items.el, waiting, results.el),
    update(view) {
      const revealed = Boolean(view.revealed && view.results);
      how.textContent = rules(view);
      how.hidden = hideRules && revealed;
      items.el.hidden = waiting.hidden = revealed;
      results.el.hidden = !revealed;
      count.update(view);
      if (revealed) {
        results.update(view);
        for (const list of results.el.querySelectorAll(".bars")) {
          list.classList.add("fit-list");
          if (list.classList.contains("ranked")) list.dataset.keep = "6";
        }
        tagRows(results.el, ctx.live.state.session, view);
        markLeaders(results.el);
      } else items.update(view);
    },
  };
}
