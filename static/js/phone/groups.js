// The phone's own group and place: its group (and whether it speaks for it), the choice of a
// group while self-selection is open, and "in the room / online". participant.js puts the
// group part into the menu, or, while the person has yet to choose, on the stage as a task.

import { h, plural, syncList, t } from "../dom.js";
import { groupName, groupsOf, sizeOf } from "../groups.js";
import { sendBar } from "./parts.js";

let serial = 0;

export function groupBar(live, say) {
  const uid = `group-pick-${(serial += 1)}`;
  let shown = null; // the group the radios were last set to
  const heading = h("h2", { class: "group-task-title", id: `${uid}-title` }, t("groups.pick"));
  const line = h("p", { class: "group-line" });
  const speaker = h("p", { class: "hint" }, t("groups.you_speak"));
  const options = h("div", { class: "options" });
  const legend = h("legend", {});
  const submit = h("button", { type: "submit", class: "primary" }, t("groups.choose"));
  const form = h("form", { class: "stack", onsubmit: (e) => {
    e.preventDefault();
    const picked = options.querySelector("input:checked");
    if (!picked) return say(t("groups.choose_first"), "error");
    const group = picked.value || null;
    if (group === (live.state.you?.group ?? null)) return;
    live.send("group.choose", { group });
    say(t("groups.sending"));
  } }, h("fieldset", {}, legend, options), sendBar(submit));
  const summary = h("summary", {}, t("groups.change"));
  const details = h("details", { class: "group-change" }, summary);
  const el = h("section", { class: "group-bar", "aria-label": t("groups.your_group") },
    heading, line, speaker, details, form);
  let task = false;

  return {
    el,
    // Whether the choice is a task now: self-selection open and the person in no group.
    get task() { return task; },
    update() {
      const { session, you } = live.state;
      const groups = groupsOf(session);
      const pending = live.pending("group.choose").pop();
      const mine = pending ? pending.group : you?.group ?? null;
      const name = groupName(session, you?.group);
      line.textContent = name ? t("groups.yours", { name }) : t("groups.none");
      line.hidden = !name && !groups.length;
      speaker.hidden = !name || !you?.spokesperson;
      const choosing = Boolean(session.choice && groups.length && session.status !== "closed");
      task = choosing && !name;
      heading.hidden = !task;
      if (task) line.hidden = true; // the heading says it
      el.classList.toggle("group-task", task);
      el.setAttribute("aria-labelledby", task ? heading.id : "");
      if (!task) el.removeAttribute("aria-labelledby");
      // Not in a group yet: the choice is out in the open; else behind "change group".
      if (!choosing) details.hidden = form.hidden = true;
      else if (name) {
        details.hidden = false;
        if (form.parentNode !== details) details.append(form);
        form.hidden = false;
      } else {
        details.hidden = true;
        if (form.parentNode !== el) el.append(form);
        form.hidden = false;
      }
      el.hidden = line.hidden && form.hidden;
      legend.textContent = t(name ? "groups.pick_other" : "groups.pick");
      legend.classList.toggle("visually-hidden", task); // the heading says it
      const choices = [...groups.map((g) => ({ id: g.id, label: g.name, size: sizeOf(g) })),
        ...(name ? [{ id: "", label: t("groups.leave"), size: null }] : [])];
      syncList(options, choices, (c) => c.id || "none", () =>
        h("label", { class: "option" }, h("input", { type: "radio", name: uid }), h("span", {})),
      (label, c) => {
        const [input, text] = label.children;
        input.value = c.id;
        text.textContent = c.size == null ? c.label : `${c.label} · ${plural("groups.members", c.size)}`;
      });
      // The radios follow the group only when it changes, not while the person picks one.
      const key = `${mine ?? ""}|${choices.length}`;
      if (key !== shown) {
        for (const input of options.querySelectorAll("input")) input.checked = input.value === (mine ?? "");
        shown = key;
      }
      submit.disabled = Boolean(pending);
      submit.textContent = t(pending ? "groups.sending" : "groups.choose");
    },
  };
}

// "I am in the room / online": two toggle buttons (in the phone's menu).
export function whereToggle(live) {
  const button = (where, text) => h("button", { type: "button", class: "small", "data-where": where,
    onclick: () => {
      if (current() !== where) live.send("participant.where", { where });
    } }, text);
  const room = button("room", t("where.room"));
  const online = button("online", t("where.online"));
  const label = h("span", { class: "where-label", id: "where-label" }, t("where.label"));
  const el = h("div", { class: "where-toggle", role: "group", "aria-labelledby": label.id }, label,
    h("span", { class: "where-choices" }, room, online));
  const current = () => live.pending("participant.where").pop()?.where ?? live.state?.you?.where ?? null;
  return {
    el,
    update() {
      const where = current();
      for (const b of [room, online]) b.setAttribute("aria-pressed", String(b.dataset.where === where));
    },
  };
}

// What an ack tells the phone about its own place (the server sends a fresh hello after a
// change of group; the place comes back only in the ack).
export function acked(live, command) {
  const you = live.state?.you;
  if (!you) return;
  if (command.type === "participant.where") you.where = command.where;
}
