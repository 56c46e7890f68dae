// The console's side of ideas (static/js/activities/ideas.js has what the audiences share).

import { textArea } from "../activities/ideas.js";
import { supportOf, wallOrder } from "../activities/ideas_wall.js";
import { lines } from "../console/items.js";
import { changed, fill, h, keepFocus, plural, syncList, t } from "../dom.js";

let serial = 0; // unique ids for the labels of several idea collections on one page

// The config of activity.create from templates/moderator/activities/ideas.html.
export function configFrom(data) {
  return {
    live_wall: data.get("live_wall") === "on",
    premoderation: data.get("premoderation") === "on",
    support: data.get("support") === "on",
    max_per_participant: Number(data.get("max_per_participant")) || 20,
    clusters: lines(data.get("clusters")),
  };
}

// One line per idea: a checkbox, the text (no author), its flags, and a menu with what the
// moderation does to one idea (pin, hide, edit, move to a cluster, merge). Several ideas are
// selected with the checkboxes (shift-click selects a range) and hidden, approved, moved or
// merged at once from the bar above the list; ideas are dragged onto a cluster too (the
// menu's cluster field is the keyboard's way to do the same).
export function moderator(ctx) {
  const uid = `ideas-admin-${(serial += 1)}`;
  let activity = null;
  let ordered = [];
  let anchor = null; // the idea last clicked, for shift-click ranges
  const selected = new Set();
  const send = (type, fields) => ctx.live.send(type, { activity: activity.id, ...fields });
  const count = h("p", { class: "hint" });
  const clusters = clusterPanel(ctx, uid, (type, fields) => send(type, fields));
  const drops = h("ul", { class: "cluster-drops", "aria-hidden": "true" });
  const bulk = bulkBar();
  const list = h("ul", { class: "idea-admin" });
  const findIdea = (id) => (activity.ideas || []).find((i) => i.id === id);
  const clusterName = (id) => (activity.clusters || []).find((c) => c.id === id)?.name;

  // -- selection and the bulk bar ---------------------------------------------------------

  function select(id, on, range) {
    const ids = ordered.map((i) => i.id);
    const targets = range && anchor && ids.includes(anchor)
      ? ids.slice(Math.min(ids.indexOf(anchor), ids.indexOf(id)), Math.max(ids.indexOf(anchor), ids.indexOf(id)) + 1)
      : [id];
    for (const target of targets) on ? selected.add(target) : selected.delete(target);
    anchor = id;
    for (const li of list.children) {
      const box = li.querySelector("input[type=checkbox]");
      if (box) box.checked = selected.has(li.dataset.key);
    }
    bulk.update();
  }

  function bulkBar() {
    const label = h("p", { class: "bulk-count", "aria-live": "polite" });
    const target = h("select", { id: `${uid}-bulk-cluster` });
    const chosen = () => ordered.filter((i) => selected.has(i.id));
    const done = () => {
      selected.clear();
      update(activity);
    };
    const hide = h("button", { type: "button", class: "small", onclick: () => {
      for (const idea of chosen()) if (!idea.hidden) send("idea.hide", { idea: idea.id });
      done();
    } }, t("idea.hide"));
    const approve = h("button", { type: "button", class: "small", onclick: () => {
      for (const idea of chosen()) if (idea.pending) send("idea.approve", { idea: idea.id });
      done();
    } }, t("idea.approve"));
    const move = h("button", { type: "button", class: "small", onclick: () => {
      for (const idea of chosen()) send("idea.move", { idea: idea.id, cluster: target.value || null });
      done();
    } }, t("bulk.move"));
    const merge = h("button", { type: "button", class: "small", onclick: () => {
      const [into, ...rest] = chosen();
      for (const idea of rest) send("idea.merge", { idea: idea.id, into: into.id });
      done();
    } }, t("bulk.merge"));
    const clear = h("button", { type: "button", class: "small bulk-clear", onclick: done }, t("bulk.clear"));
    const clusterField = h("span", { class: "inline bulk-cluster" },
      h("label", { for: target.id }, t("bulk.cluster")), target, move);
    const el = h("div", { class: "bulk-bar", role: "group", "aria-label": t("bulk.label"), hidden: true },
      label, hide, approve, clusterField, merge, clear);
    return {
      el,
      update() {
        for (const id of [...selected]) if (!ordered.some((i) => i.id === id)) selected.delete(id);
        const ideas = chosen();
        el.hidden = !ideas.length || ctx.closed();
        if (el.hidden) return;
        label.textContent = plural("bulk.selected", ideas.length);
        approve.hidden = !ideas.some((i) => i.pending);
        merge.hidden = ideas.length < 2;
        merge.title = ideas.length > 1 ? t("bulk.merge_into", { text: short(ideas[0].text) }) : "";
        const options = activity.clusters || [];
        clusterField.hidden = !options.length;
        const key = JSON.stringify(options);
        if (target.dataset.key !== key) {
          target.dataset.key = key;
          target.replaceChildren(h("option", { value: "" }, t("cluster.none")),
            options.map((c) => h("option", { value: c.id }, c.name)));
        }
      },
    };
  }

  // -- dragging ideas onto clusters -------------------------------------------------------

  function dropTarget(cluster) {
    const li = h("li", { class: "cluster-drop" }, cluster ? cluster.name : t("cluster.none"));
    li.addEventListener("dragover", (e) => {
      if (!e.dataTransfer.types.includes("application/x-idea")) return;
      e.preventDefault();
      li.classList.add("over");
    });
    li.addEventListener("dragleave", () => li.classList.remove("over"));
    li.addEventListener("drop", (e) => {
      e.preventDefault();
      li.classList.remove("over");
      const id = e.dataTransfer.getData("application/x-idea");
      const ids = selected.has(id) ? [...selected] : [id];
      for (const idea of ids) send("idea.move", { idea, cluster: cluster?.id ?? null });
      if (selected.has(id)) {
        selected.clear();
        update(activity);
      }
    });
    return li;
  }

  // -- one idea ---------------------------------------------------------------------------

  function row(idea) {
    const li = h("li", { class: "idea-row" });
    li.addEventListener("dragstart", (e) => {
      e.dataTransfer.setData("application/x-idea", li.dataset.key);
      e.dataTransfer.effectAllowed = "move";
      list.classList.add("dragging");
    });
    li.addEventListener("dragend", () => list.classList.remove("dragging"));
    li.show = (current) => {
      const view = activity;
      const closed = ctx.closed();
      const flags = [current.pending && t("idea.pending_short"), current.pinned && t("idea.pinned"),
        current.hidden && t("idea.hidden"), current.withdrawn && t("idea.withdrawn"),
        current.edited && t("idea.edited"),
        view.config.support && plural("idea.supports", supportOf(view, current) ?? 0)].filter(Boolean);
      li.classList.toggle("muted", Boolean(current.hidden || current.withdrawn));
      li.classList.toggle("pending", Boolean(current.pending));
      li.classList.toggle("menu-open", Boolean(li.menuOpen && !current.withdrawn && !closed));
      li.title = current.text.length > 120 ? current.text : "";
      li.draggable = !closed && !current.withdrawn && Boolean((view.clusters || []).length);
      const duplicates = (view.ideas || []).filter((i) => i.merged_into === current.id);
      const usable = !current.withdrawn && !closed;
      const box = usable && h("input", { type: "checkbox", class: "pick",
        "aria-label": t("bulk.pick", { text: short(current.text) }),
        onclick: (e) => select(current.id, e.target.checked, e.shiftKey) });
      if (box) box.checked = selected.has(current.id);
      const menuId = `${uid}-menu-${current.id}`;
      const menuButton = usable && h("button", { type: "button", class: "small menu-button",
        "aria-expanded": String(Boolean(li.menuOpen)), "aria-controls": menuId,
        "aria-label": t("idea.menu_for", { text: short(current.text) }),
        onclick: () => li.toggleMenu(current) }, "⋯");
      const cluster = clusterName(current.cluster);
      fill(li,
        h("div", { class: "idea-line" },
          box || h("span", { class: "pick-space" }),
          h("p", { class: "idea-text" }, current.text),
          cluster ? h("span", { class: "mini cluster-tag" }, cluster) : null,
          flags.length ? h("span", { class: "idea-flags hint" }, flags.join(" · ")) : null,
          usable && current.pending && h("button", { type: "button", class: "small primary",
            onclick: () => send("idea.approve", { idea: current.id }) }, t("idea.approve")),
          menuButton),
        li.menuOpen && usable ? menuPanel(li, current, menuId) : null,
        duplicates.length ? h("div", { class: "duplicates" },
          h("span", { class: "hint" }, t("idea.also_said_label")), " ",
          h("ul", {}, duplicates.map((d) => h("li", {}, h("span", { class: "idea-text" }, d.text), " ",
            !closed && h("button", { type: "button", class: "small", onclick: () => send("idea.unmerge", { idea: d.id }) },
              t("idea.unmerge")))))) : null,
      );
    };
    li.toggleMenu = (current, open = !li.menuOpen) => {
      li.menuOpen = open;
      li.signature = null;
      li.show(findIdea(current.id) || current);
      if (open) li.querySelector(".menu-panel button, .menu-panel select")?.focus();
      else li.querySelector(".menu-button")?.focus();
    };
    li.edit = (current) => {
      li.editing = true;
      li.menuOpen = false;
      const editor = textArea(`${uid}-edit-${current.id}`, current.text);
      const done = () => {
        li.editing = false;
        li.signature = null;
        li.show(findIdea(current.id) || current);
        li.querySelector(".menu-button")?.focus();
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
          h("button", { class: "primary small", type: "submit" }, t("idea.save")),
          h("button", { type: "button", class: "small", onclick: done }, t("common.cancel")))));
      editor.focus();
    };
    return li;
  }

  // The menu of one idea: what is done to it, then closed again.
  function menuPanel(li, current, id) {
    const act = (type, fields) => () => {
      send(type, { idea: current.id, ...fields });
      li.toggleMenu(current, false);
    };
    const button = (text, onclick) => h("button", { type: "button", class: "small", onclick }, text);
    const panel = h("div", { class: "menu-panel", id },
      h("div", { class: "actions" },
        button(t(current.pinned ? "idea.unpin" : "idea.pin"), act("idea.pin", { pinned: !current.pinned })),
        button(t(current.hidden ? "idea.restore" : "idea.hide"), act(current.hidden ? "idea.restore" : "idea.hide")),
        button(t("idea.edit"), () => li.edit(current))),
      clusterSelect(li, current), mergeControl(li, current));
    panel.addEventListener("keydown", (e) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      li.toggleMenu(current, false);
    });
    return panel;
  }

  function clusterSelect(li, idea) {
    const options = activity.clusters || [];
    if (!options.length) return null;
    const id = `${uid}-cluster-${idea.id}`;
    // Moves at once and leaves the menu open: arrow keys step through the clusters.
    const select = h("select", { id, onchange: () => send("idea.move", { idea: idea.id, cluster: select.value || null }) },
      h("option", { value: "" }, t("cluster.none")),
      options.map((c) => h("option", { value: c.id }, c.name)));
    select.value = idea.cluster ?? "";
    return h("div", { class: "field" }, h("label", { for: id }, t("cluster.label")), select);
  }

  // Merging needs a target: the other ideas still on the wall (not merged themselves).
  function mergeControl(li, idea) {
    const targets = (activity.ideas || []).filter((i) => i.id !== idea.id && !i.merged_into && !i.withdrawn);
    if (!targets.length) return null;
    const id = `${uid}-merge-${idea.id}`;
    const select = h("select", { id }, h("option", { value: "" }, t("idea.merge_choose")),
      targets.map((i) => h("option", { value: i.id }, short(i.text))));
    return h("div", { class: "field merge" }, h("label", { for: id }, t("idea.merge_into")),
      h("div", { class: "inline" }, select, h("button", { type: "button", class: "small", onclick: () => {
        if (!select.value) return ctx.say(t("idea.merge_choose_first"), "error");
        send("idea.merge", { idea: idea.id, into: select.value });
        li.toggleMenu(idea, false);
      } }, t("idea.merge"))));
  }

  // A click elsewhere closes an open menu (the path as it was when clicked: a click in the row
  // may have rebuilt it since).
  document.addEventListener("click", (e) => {
    const path = e.composedPath();
    for (const li of list.children) {
      if (li.menuOpen && !path.includes(li)) {
        li.menuOpen = false;
        li.signature = null;
        const idea = findIdea(li.dataset.key);
        if (idea) li.show(idea);
      }
    }
  });

  function update(view) {
    activity = view;
    const ideas = view.ideas || [];
    const top = ideas.filter((i) => !i.merged_into);
    const visible = top.filter((i) => !i.hidden && !i.withdrawn && !i.pending).length;
    const pending = top.filter((i) => i.pending && !i.hidden && !i.withdrawn).length;
    count.textContent = [plural("idea.count", visible), pending && plural("idea.waiting", pending)]
      .filter(Boolean).join(" · ");
    clusters.update(view, ctx.closed());
    ordered = [...top.filter((i) => i.pending), ...wallOrder(top.filter((i) => !i.pending))];
    const context = [view.clusters, view.config.support, ctx.closed(),
      top.map((i) => [i.id, i.text, i.withdrawn]), ideas.map((i) => [i.id, i.merged_into, i.text]),
      [...selected]];
    keepFocus(list, () => syncList(list, ordered, (i) => i.id, row, (li, idea) => {
      if (!li.editing && changed(li, idea, supportOf(view, idea), context)) li.show(idea);
    }));
    const withClusters = (view.clusters || []).length && !ctx.closed();
    drops.hidden = !withClusters;
    if (withClusters && changed(drops, view.clusters)) {
      fill(drops, h("li", { class: "drop-hint" }, t("cluster.drop_hint")),
        view.clusters.map(dropTarget), dropTarget(null));
    }
    bulk.update();
  }

  return {
    el: h("div", { class: "stack ideas-admin" }, count, clusters.el, drops, bulk.el, list),
    update,
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
