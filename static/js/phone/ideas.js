// The phone's side of ideas (static/js/activities/ideas.js has what the audiences share).

import { counter, ownId, textArea } from "../activities/ideas.js";
import { cardParts, groupedWall } from "../activities/ideas_wall.js";
import { fill, h, keepFocus, plural, syncList, t } from "../dom.js";
import { sendBar } from "./parts.js";

// What an ack tells the phone about its own ideas (the server sends no event for them
// while the wall is not revealed).
export function acked(ctx, command, ack) {
  const mine = (ctx.live.state.mine[command.activity] ||= {});
  const own = (mine.ideas ||= []);
  if (command.type === "idea.add" && ack.result?.idea) {
    ctx.texts.set(ack.result.idea, command.text.trim());
    if (!own.some((i) => ownId(i) === ack.result.idea)) {
      own.push({ id: ack.result.idea, text: command.text.trim(), pending: Boolean(ack.result.pending) });
    }
    ctx.say(t(ack.result.pending ? "idea.sent_pending" : "idea.sent"));
  } else if (command.type === "idea.support") {
    const supported = (mine.supported || []).filter((id) => id !== command.idea);
    if (ack.result?.support ?? command.support) supported.push(command.idea);
    mine.supported = supported;
  } else if (command.type === "idea.edit") {
    ctx.texts.set(command.idea, command.text.trim());
    ctx.say(t("idea.saved"));
  } else if (command.type === "idea.withdraw") {
    mine.ideas = own.filter((i) => ownId(i) !== command.idea);
    ctx.say(t("idea.withdrawn_done"));
  }
}



export function participant(ctx) {
  let activity = null;
  const area = textArea("idea-new");
  // Enter makes a new line (an idea may have several); the button sends.
  for (const [name, value] of [["inputmode", "text"], ["enterkeyhint", "enter"], ["autocapitalize", "sentences"]]) {
    area.setAttribute(name, value);
  }
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
    sendBar(h("button", { class: "primary", type: "submit" }, t("idea.add"))),
  );
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const ownHeading = h("h3", {});
  const ownList = h("ul", { class: "cards own" });
  const wallHeading = h("h3", {}, t("idea.wall"));
  const wall = groupedWall({ listClass: "cards", headingLevel: "h4", makeCard: () => wallCard(), fillCard: (li, idea) => fillWallCard(li, idea) });
  const el = h("div", { class: "stack" }, form, closed, ownHeading, ownList, wallHeading, wall.el);
  const ownIds = () => new Set((ctx.live.state.mine[activity.id]?.ideas || []).map(ownId));

  function supported(id) {
    const pending = ctx.live.pending("idea.support").filter((c) => c.idea === id).pop();
    return pending ? pending.support : (ctx.live.state.mine[activity.id]?.supported || []).includes(id);
  }

  // A wall card on the phone: the idea, and a support button for others' ideas.
  function wallCard() {
    const button = h("button", { type: "button", class: "support" });
    button.addEventListener("click", () => ctx.live.send("idea.support",
      { activity: activity.id, idea: button.dataset.idea, support: button.getAttribute("aria-pressed") !== "true" }));
    return h("li", { class: "card" }, h("p", { class: "idea-text" }), h("p", { class: "hint also" }),
      h("p", { class: "hint meta" }), h("div", { class: "actions" }, button));
  }

  function fillWallCard(li, idea) {
    const parts = cardParts(activity, idea);
    const [text, also, meta, actions] = li.children;
    text.textContent = parts.text;
    also.textContent = parts.merged;
    also.hidden = !parts.merged;
    const own = ownIds().has(idea.id);
    meta.textContent = [own && t("idea.yours"), parts.meta].filter(Boolean).join(" · ");
    meta.hidden = !meta.textContent;
    const button = actions.firstChild;
    const on = supported(idea.id);
    actions.hidden = own || !activity.config.support || activity.status !== "active";
    button.dataset.idea = idea.id;
    button.setAttribute("aria-pressed", String(on));
    button.classList.toggle("primary", on);
    button.textContent = t(on ? "idea.supported" : "idea.support");
  }

  function ownItems() {
    const mine = ctx.live.state.mine[activity.id]?.ideas || [];
    const onWall = new Set((activity.ideas || []).map((i) => i.id));
    const items = mine.map((entry) => ({ id: ownId(entry), text: entry.text,
      pending: entry.pending && !onWall.has(ownId(entry)), merged: Boolean(entry.merged_into) }));
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
      const status = item.sending ? t("idea.sending") : withdrawing ? t("idea.withdrawing")
        : item.pending ? t("idea.pending") : item.merged ? t("idea.merged_own") : "";
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
      wallHeading.hidden = wall.el.hidden = !revealed;
      if (revealed) keepFocus(wall.el, () => wall.update(view, view.ideas || []));
    },
  };
}
