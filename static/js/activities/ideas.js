// Idea collection: the phone posts, edits and withdraws its own ideas and supports others';
// the beamer shows the wall as cards, grouped by cluster; the moderator approves, hides,
// corrects, pins, merges and clusters (console/ideas.js).

import { h, t } from "../dom.js";

export const TEXT_LIMIT = 280;

// Idea events carry the idea as this audience sees it (or only its id when it left the
// wall), and with a merge or unmerge also the other idea ("into"/"from").
export function reduce(activity, name, data) {
  if (name.startsWith("cluster.")) return reduceCluster(activity, data);
  const ideas = (activity.ideas ||= []);
  for (const key of ["idea", "into", "from"]) {
    const value = data[key];
    if (value == null) continue;
    const id = typeof value === "string" ? value : value.id;
    const index = ideas.findIndex((i) => i.id === id);
    if (typeof value === "string") {
      if (index >= 0) ideas.splice(index, 1);
    } else if (index >= 0) ideas[index] = value;
    else ideas.push(value);
  }
}

function reduceCluster(activity, data) {
  const clusters = (activity.clusters ||= []);
  if (typeof data.cluster === "string") { // deleted: its ideas are in no cluster now
    activity.clusters = clusters.filter((c) => c.id !== data.cluster);
    for (const idea of activity.ideas || []) if (idea.cluster === data.cluster) idea.cluster = null;
    return;
  }
  const old = clusters.find((c) => c.id === data.cluster.id);
  if (old) Object.assign(old, data.cluster);
  else clusters.push(data.cluster);
}

export const ownId = (entry) => (typeof entry === "string" ? entry : entry.id);

export function textArea(id, value = "") {
  const area = h("textarea", { id, name: "text", maxlength: TEXT_LIMIT, rows: 3, required: true });
  area.value = value;
  return area;
}

export function counter(area) {
  const hint = h("p", { class: "hint", id: `${area.id}-hint` });
  const show = () => (hint.textContent = t("idea.chars_left", { n: TEXT_LIMIT - area.value.length }));
  area.setAttribute("aria-describedby", hint.id);
  area.addEventListener("input", show);
  show();
  return hint;
}
