// The console's side of ideas (static/js/activities/ideas.js has what the audiences share).

import { textArea } from "../activities/ideas.js";
import { supportOf, wallOrder } from "../activities/ideas_wall.js";
import { lines } from "../activities/items.js";
import { changed, fill, h, keepFocus, plural, syncList, t } from "../dom.js";

let serial = 0; // unique ids for the labels of several idea collections on one page

// The config of activity.create from templates/moderator/activities/ideas.html.
export function configFrom(data) {
  return {
    live_wall: data.get("live_wall") === "on",
    premoderation: data.get("premoderation") === "on",
    support: data.get("support") === "on",
    clusters: lines(data.get("clusters")),
  };
}

export function moderator(ctx) {
  const uid = `ideas-admin-${(serial += 1)}`;
  let activity = null;
  const send = (type, fields) => ctx.live.send(type, { activity: activity.id, ...fields });
  const count = h("p", { class: "hint" });
  const clusters = clusterPanel(ctx, uid, (type, fields) => send(type, fields));
  const list = h("ul", { class: "idea-admin" });
  const findIdea = (id) => (activity.ideas || []).find((i) => i.id === id);

  function row(idea) {
    const li = h("li", {});
    li.show = (current) => {
      const view = activity;
      const closed = ctx.closed();
      const flags = [current.pending && t("idea.pending_short"), current.pinned && t("idea.pinned"),
        current.hidden && t("idea.hidden"), current.withdrawn && t("idea.withdrawn"),
        current.edited && t("idea.edited"),
        view.config.support && plural("idea.supports", supportOf(view, current) ?? 0)].filter(Boolean);
      li.classList.toggle("muted", Boolean(current.hidden || current.withdrawn));
      li.classList.toggle("pending", Boolean(current.pending));
      const duplicates = (view.ideas || []).filter((i) => i.merged_into === current.id);
      const button = (text, onclick, cls) => h("button", { type: "button", class: cls, onclick }, text);
      const idea = { idea: current.id };
      fill(li,
        h("p", { class: "idea-text" }, current.text),
        flags.length ? h("p", { class: "hint" }, flags.join(" · ")) : null,
        duplicates.length ? h("div", { class: "duplicates" },
          h("p", { class: "hint" }, t("idea.also_said_label")),
          h("ul", {}, duplicates.map((d) => h("li", {}, h("span", { class: "idea-text" }, d.text), " ",
            !closed && button(t("idea.unmerge"), () => send("idea.unmerge", { idea: d.id }), "small"))))) : null,
        !current.withdrawn && !closed && h("div", { class: "actions" },
          current.pending && button(t("idea.approve"), () => send("idea.approve", idea), "primary"),
          button(t(current.pinned ? "idea.unpin" : "idea.pin"), () => send("idea.pin", { ...idea, pinned: !current.pinned })),
          button(t(current.hidden ? "idea.restore" : "idea.hide"), () => send(current.hidden ? "idea.restore" : "idea.hide", idea)),
          button(t("idea.edit"), () => li.edit(current))),
        !current.withdrawn && !closed && h("div", { class: "idea-tools" },
          clusterSelect(current), mergeControl(current)),
      );
    };
    li.edit = (current) => {
      li.editing = true;
      const editor = textArea(`${uid}-edit-${current.id}`, current.text);
      const done = () => {
        li.editing = false;
        li.signature = null;
        li.show(findIdea(current.id) || current);
        li.querySelector("button")?.focus();
      };
      fill(li, h("form", { class: "stack", onsubmit: (e) => {
        e.preventDefault();
        const text = editor.value.trim();
        if (!text) return ctx.say(t("idea.empty"), "error");
        send("idea.edit", { idea: current.id, text });
        done();
      } },
        h("label", { for: editor.id }, t("idea.edit_label")), editor,
        h("div", { class: "actions" },
          h("button", { class: "primary", type: "submit" }, t("idea.save")),
          h("button", { type: "button", onclick: done }, t("common.cancel")))));
      editor.focus();
    };
    return li;
  }

  function clusterSelect(idea) {
    const options = activity.clusters || [];
    if (!options.length) return null;
    const id = `${uid}-cluster-${idea.id}`;
    const select = h("select", { id, onchange: () => send("idea.move", { idea: idea.id, cluster: select.value || null }) },
      h("option", { value: "" }, t("cluster.none")),
      options.map((c) => h("option", { value: c.id }, c.name)));
    select.value = idea.cluster ?? "";
    return h("div", { class: "field" }, h("label", { for: id }, t("cluster.label")), select);
  }

  // Merging needs a target: the other ideas still on the wall (not merged themselves).
  function mergeControl(idea) {
    const targets = (activity.ideas || []).filter((i) => i.id !== idea.id && !i.merged_into && !i.withdrawn);
    if (!targets.length) return null;
    const id = `${uid}-merge-${idea.id}`;
    const select = h("select", { id }, h("option", { value: "" }, t("idea.merge_choose")),
      targets.map((i) => h("option", { value: i.id }, short(i.text))));
    return h("div", { class: "field merge" }, h("label", { for: id }, t("idea.merge_into")),
      h("div", { class: "inline" }, select, h("button", { type: "button", onclick: () => {
        if (!select.value) return ctx.say(t("idea.merge_choose_first"), "error");
        send("idea.merge", { idea: idea.id, into: select.value });
      } }, t("idea.merge"))));
  }

  return {
    el: h("div", { class: "stack" }, count, clusters.el, list),
    update(view) {
      activity = view;
      const ideas = view.ideas || [];
      const top = ideas.filter((i) => !i.merged_into);
      const visible = top.filter((i) => !i.hidden && !i.withdrawn && !i.pending).length;
      const pending = top.filter((i) => i.pending && !i.hidden && !i.withdrawn).length;
      count.textContent = [plural("idea.count", visible), pending && plural("idea.waiting", pending)]
        .filter(Boolean).join(" · ");
      clusters.update(view, ctx.closed());
      const ordered = [...top.filter((i) => i.pending), ...wallOrder(top.filter((i) => !i.pending))];
      const context = [view.clusters, view.config.support, ctx.closed(),
        top.map((i) => [i.id, i.text, i.withdrawn]), ideas.map((i) => [i.id, i.merged_into, i.text])];
      keepFocus(list, () => syncList(list, ordered, (i) => i.id, row, (li, idea) => {
        if (!li.editing && changed(li, idea, supportOf(view, idea), context)) li.show(idea);
      }));
    },
  };
}

const short = (text) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);

// Clusters: a list with rename and delete, and a form for a new one.
function clusterPanel(ctx, uid, send) {
  const list = h("ul", { class: "cluster-admin" });
  const name = h("input", { id: `${uid}-cluster-new`, maxlength: 60 });
  const form = h("form", { class: "inline", onsubmit: (e) => {
    e.preventDefault();
    const value = name.value.trim();
    if (!value) return ctx.say(t("cluster.name_missing"), "error");
    send("cluster.create", { name: value });
    name.value = "";
  } }, name, h("button", { type: "submit" }, t("cluster.create")));
  const summary = h("summary", {});
  const el = h("details", { class: "clusters-panel" }, summary, list,
    h("label", { for: name.id }, t("cluster.new")), form);

  function item() {
    const li = h("li", {});
    li.show = (cluster, closed) => {
      fill(li, h("span", { class: "cluster-name" }, cluster.name), !closed && h("span", { class: "actions" },
        h("button", { type: "button", class: "small", onclick: () => li.rename(cluster) }, t("cluster.rename")),
        h("button", { type: "button", class: "small danger", "aria-label": t("cluster.delete_named", { name: cluster.name }),
          onclick: () => send("cluster.delete", { cluster: cluster.id }) }, t("cluster.delete"))));
    };
    li.rename = (cluster) => {
      li.editing = true;
      const id = `${uid}-rename-${cluster.id}`;
      const input = h("input", { id, maxlength: 60, value: cluster.name });
      const done = () => { li.editing = false; li.show(cluster, false); li.querySelector("button")?.focus(); };
      fill(li, h("form", { class: "stack", onsubmit: (e) => {
        e.preventDefault();
        if (input.value.trim()) send("cluster.rename", { cluster: cluster.id, name: input.value.trim() });
        done();
      } }, h("label", { for: id }, t("cluster.rename_label")), input,
        h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("idea.save")),
          h("button", { type: "button", onclick: done }, t("common.cancel")))));
      input.focus();
    };
    return li;
  }

  return {
    el,
    update(view, closed) {
      const clusters = view.clusters || [];
      summary.textContent = plural("cluster.count", clusters.length);
      form.hidden = closed;
      form.previousElementSibling.hidden = closed;
      keepFocus(list, () => syncList(list, clusters, (c) => c.id, item, (li, c) => {
        if (!li.editing && changed(li, c, closed)) li.show(c, closed);
      }));
    },
  };
}
