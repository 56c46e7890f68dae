// Idea collection: the phone posts, edits and withdraws its own ideas; the beamer shows the
// wall as cards; the moderator hides, restores and corrects.

import { fill, h, plural, syncList, t } from "../dom.js";

const TEXT_LIMIT = 280;
const order = (idea) => Number(String(idea.id).slice(1)) || 0; // i1, i2, ... in posting order

export function reduce(activity, name, data) {
  const ideas = (activity.ideas ||= []);
  const id = typeof data.idea === "string" ? data.idea : data.idea.id;
  const index = ideas.findIndex((i) => i.id === id);
  if (typeof data.idea === "string") {
    // withdrawn or hidden: the audience only learns that it is gone
    if (index >= 0) ideas.splice(index, 1);
  } else if (index >= 0) ideas[index] = data.idea;
  else {
    ideas.push(data.idea);
    ideas.sort((a, b) => order(a) - order(b));
  }
}

// What an ack tells the phone about its own ideas (the server sends no event for them
// while the wall is not revealed).
export function acked(ctx, command, ack) {
  const mine = (ctx.live.state.mine[command.activity] ||= {});
  const own = (mine.ideas ||= []);
  if (command.type === "idea.add" && ack.result?.idea) {
    ctx.texts.set(ack.result.idea, command.text.trim());
    if (!own.some((i) => ownId(i) === ack.result.idea)) own.push(ack.result.idea);
    ctx.say(t("idea.sent"));
  } else if (command.type === "idea.edit") {
    ctx.texts.set(command.idea, command.text.trim());
    ctx.say(t("idea.saved"));
  } else if (command.type === "idea.withdraw") {
    mine.ideas = own.filter((i) => ownId(i) !== command.idea);
    ctx.say(t("idea.withdrawn_done"));
  }
}

const ownId = (entry) => (typeof entry === "string" ? entry : entry.id);

function textArea(id, value = "") {
  const area = h("textarea", { id, name: "text", maxlength: TEXT_LIMIT, rows: 3, required: true });
  area.value = value;
  return area;
}

function counter(area) {
  const hint = h("p", { class: "hint", id: `${area.id}-hint` });
  const show = () => (hint.textContent = t("idea.chars_left", { n: TEXT_LIMIT - area.value.length }));
  area.setAttribute("aria-describedby", hint.id);
  area.addEventListener("input", show);
  show();
  return hint;
}

// -- participant --------------------------------------------------------------------------

export function participant(ctx) {
  let activity = null;
  const area = textArea("idea-new");
  const form = h(
    "form",
    { class: "stack", onsubmit: (e) => {
      e.preventDefault();
      const text = area.value.trim();
      if (!text) return ctx.say(t("idea.empty"), "error");
      ctx.live.send("idea.add", { activity: activity.id, text });
      area.value = "";
      area.dispatchEvent(new Event("input"));
      ctx.say(t("idea.sending"));
    } },
    h("label", { for: area.id }, t("idea.label")),
    area,
    counter(area),
    h("button", { class: "primary", type: "submit" }, t("idea.add")),
  );
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const ownHeading = h("h3", {});
  const ownList = h("ul", { class: "cards own" });
  const wallHeading = h("h3", {}, t("idea.wall"));
  const wall = h("ul", { class: "cards" });
  const el = h("div", { class: "stack" }, form, closed, ownHeading, ownList, wallHeading, wall);

  function ownItems() {
    const mine = ctx.live.state.mine[activity.id]?.ideas || [];
    const items = mine.map((entry) => ({ id: ownId(entry), text: entry.text }));
    for (const c of ctx.live.pending("idea.add")) {
      if (c.activity === activity.id) items.push({ id: c.id, text: c.text, sending: true });
    }
    return items;
  }

  function textOf(item) {
    const edit = ctx.live.pending("idea.edit").filter((c) => c.idea === item.id).pop();
    if (edit) return edit.text;
    const onWall = (activity.ideas || []).find((i) => i.id === item.id);
    return onWall?.text ?? item.text ?? ctx.texts.get(item.id) ?? t("idea.text_elsewhere");
  }

  function ownItem(item) {
    const li = h("li", { class: "card" });
    li.show = () => {
      const withdrawing = ctx.live.pending("idea.withdraw").some((c) => c.idea === item.id);
      const editable = activity.status === "active" && !item.sending && !withdrawing;
      const status = item.sending ? t("idea.sending") : withdrawing ? t("idea.withdrawing") : "";
      fill(li,
        h("p", { class: "idea-text" }, textOf(item)),
        status && h("p", { class: "hint" }, status),
        editable && h("div", { class: "actions" },
          h("button", { type: "button", onclick: () => li.edit() }, t("idea.edit")),
          h("button", { type: "button", onclick: () => li.confirmWithdraw() }, t("idea.withdraw"))),
      );
    };
    li.edit = () => {
      li.editing = true;
      const editor = textArea(`idea-edit-${item.id}`, textOf(item));
      const done = () => { li.editing = false; li.show(); li.querySelector("button")?.focus(); };
      fill(li, h("form", { class: "stack", onsubmit: (e) => {
        e.preventDefault();
        const text = editor.value.trim();
        if (!text) return ctx.say(t("idea.empty"), "error");
        ctx.live.send("idea.edit", { activity: activity.id, idea: item.id, text });
        done();
      } },
        h("label", { for: editor.id }, t("idea.edit_label")), editor, counter(editor),
        h("div", { class: "actions" },
          h("button", { class: "primary", type: "submit" }, t("idea.save")),
          h("button", { type: "button", onclick: done }, t("common.cancel")))));
      editor.focus();
    };
    li.confirmWithdraw = () => {
      li.editing = true;
      const keep = h("button", { type: "button", onclick: () => {
        li.editing = false;
        li.show();
        li.querySelector("button")?.focus();
      } }, t("idea.keep"));
      fill(li,
        h("p", { class: "idea-text" }, textOf(item)),
        h("p", {}, t("idea.withdraw_confirm")),
        h("div", { class: "actions" },
          h("button", { type: "button", class: "danger", onclick: () => {
            ctx.live.send("idea.withdraw", { activity: activity.id, idea: item.id });
            li.editing = false;
          } }, t("idea.withdraw")),
          keep));
      keep.focus();
    };
    return li;
  }

  return {
    el,
    // A refused idea goes back into the text field, so the words are not lost.
    refused(command) {
      if (command.type !== "idea.add" || command.activity !== activity.id || area.value) return;
      area.value = command.text;
      area.dispatchEvent(new Event("input"));
    },
    update(view) {
      activity = view;
      const open = view.status === "active";
      form.hidden = !open;
      closed.hidden = open;
      const items = ownItems();
      ownHeading.textContent = plural("idea.own", items.length);
      ownHeading.hidden = ownList.hidden = !items.length;
      syncList(ownList, items, (i) => i.id, ownItem, (li) => { if (!li.editing) li.show(); });
      const revealed = view.revealed;
      wallHeading.hidden = wall.hidden = !revealed;
      if (revealed) syncList(wall, view.ideas || [], (i) => i.id, card, fillCard);
    },
  };
}

function card() {
  return h("li", { class: "card" }, h("p", { class: "idea-text" }));
}

function fillCard(li, idea) {
  li.firstChild.textContent = idea.text;
}

// -- presenter ----------------------------------------------------------------------------

export function presenter() {
  const count = h("p", { class: "count" });
  const empty = h("p", { class: "note" });
  const wall = h("ul", { class: "wall", "aria-live": "polite", "aria-relevant": "additions" });
  let first = true;
  return {
    el: h("div", { class: "stack" }, count, empty, wall),
    update(view) {
      const ideas = view.ideas || [];
      const shown = view.config.live_wall || view.revealed;
      count.textContent = plural("idea.count", ideas.length);
      count.hidden = !shown;
      empty.textContent = shown ? t("idea.none_yet") : t("idea.wall_later");
      empty.hidden = shown && ideas.length > 0;
      syncList(wall, ideas, (i) => i.id, () => {
        const li = card();
        if (!first) li.classList.add("new"); // only ideas arriving live fade in
        return li;
      }, fillCard);
      first = false;
    },
  };
}

// -- moderator ----------------------------------------------------------------------------

// The config of activity.create from the form in templates/moderator/activities/ideas.html.
export function configFrom(data) {
  return { live_wall: data.get("live_wall") === "on" };
}

export function moderator(ctx) {
  let activity = null;
  const count = h("p", { class: "hint" });
  const list = h("ul", { class: "idea-admin" });

  function item(idea) {
    const li = h("li", {});
    li.show = (current) => {
      const flags = [current.hidden && t("idea.hidden"), current.withdrawn && t("idea.withdrawn"),
        current.edited && t("idea.edited")].filter(Boolean);
      li.classList.toggle("muted", current.hidden || current.withdrawn);
      const toggle = current.hidden
        ? h("button", { type: "button", onclick: () => send("idea.restore", current) }, t("idea.restore"))
        : h("button", { type: "button", onclick: () => send("idea.hide", current) }, t("idea.hide"));
      fill(li,
        h("p", { class: "idea-text" }, current.text),
        flags.length ? h("p", { class: "hint" }, flags.join(" · ")) : null,
        !current.withdrawn && !ctx.closed() && h("div", { class: "actions" }, toggle,
          h("button", { type: "button", onclick: () => li.edit(current) }, t("idea.edit"))),
      );
    };
    li.edit = (current) => {
      li.editing = true;
      const editor = textArea(`mod-edit-${activity.id}-${current.id}`, current.text);
      const done = () => {
        li.editing = false;
        li.show(findIdea(current.id) || current);
        li.querySelector("button")?.focus();
      };
      fill(li, h("form", { class: "stack", onsubmit: (e) => {
        e.preventDefault();
        const text = editor.value.trim();
        if (!text) return ctx.say(t("idea.empty"), "error");
        ctx.live.send("idea.edit", { activity: activity.id, idea: current.id, text });
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

  const send = (type, idea) => ctx.live.send(type, { activity: activity.id, idea: idea.id });
  const findIdea = (id) => (activity.ideas || []).find((i) => i.id === id);

  return {
    el: h("div", { class: "stack" }, count, list),
    update(view) {
      activity = view;
      const ideas = view.ideas || [];
      const visible = ideas.filter((i) => !i.hidden && !i.withdrawn).length;
      count.textContent = plural("idea.count", visible);
      syncList(list, ideas, (i) => i.id, item, (li, idea) => { if (!li.editing) li.show(idea); });
    },
  };
}
