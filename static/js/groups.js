// Small groups and hybrid sessions on every page: the events of groups and of where people
// take part from, per-group activities side by side (beamer, console), and on the phone its
// own group, the choice of a group while self-selection is open, and "in the room / online".

import { h, plural, syncList, t } from "./dom.js";

// -- state --------------------------------------------------------------------------------

// Applies group.*, groups.* and participant.joined/where; true when the event was one of
// them. The server sends the group list whole with every group event (and the moderator the
// participants with their groups); the single changes the events name are applied too, for
// a server that sends only those.
export function reduceGroups(state, name, data) {
  const session = state.session;
  if (name === "participant.joined" || name === "participant.where") {
    mergeParticipants(session, data);
    return true;
  }
  if (!name.startsWith("group.") && !name.startsWith("groups.")) return false;
  if (Array.isArray(data.groups)) session.groups = data.groups;
  else applyChange(session, name, data);
  if (typeof data.choice === "boolean") session.choice = data.choice;
  else if (name === "groups.choice_changed") session.choice = Boolean(data.open);
  if (data.participants) {
    if (data.participants.list) session.participants = data.participants;
    else Object.assign(session.participants, data.participants);
  }
  // A new or deleted group adds or removes its instance of every per-group activity.
  for (const view of data.activities || []) {
    const index = session.activities.findIndex((a) => a.id === view.id);
    if (index >= 0) session.activities[index] = view;
  }
  const you = state.you;
  if (you && name === "group.deleted" && data.group === you.group) {
    Object.assign(you, { group: null, spokesperson: false });
  } else if (you && name === "group.spokesperson_set" && data.group === you.group) {
    you.spokesperson = data.participant === you.participant;
  }
  return true;
}

function mergeParticipants(session, data) {
  const participants = session.participants;
  const { list, ...counts } = data.participants ?? {};
  Object.assign(participants, counts);
  if (typeof data.count === "number") participants.count = data.count;
  for (const key of ["room", "online"]) if (typeof data[key] === "number") participants[key] = data[key];
  const record = data.participant;
  if (record && typeof record === "object" && participants.list) {
    const old = participants.list.find((p) => p.id === record.id);
    if (old) Object.assign(old, record);
    else participants.list.push({ group: null, where: null, ...record });
  } else if (typeof record === "string" && participants.list && data.where) {
    const old = participants.list.find((p) => p.id === record);
    if (old) old.where = data.where;
  }
}

function applyChange(session, name, data) {
  const groups = (session.groups ||= []);
  const group = groups.find((g) => g.id === data.group);
  const list = session.participants.list || [];
  switch (name) {
    case "group.created":
      groups.push({ id: data.group, name: data.name, count: 0, members: [], spokesperson: null });
      return;
    case "group.renamed":
      if (group) group.name = data.name;
      return;
    case "group.deleted":
      session.groups = groups.filter((g) => g.id !== data.group);
      for (const p of list) if (p.group === data.group) p.group = null;
      return;
    case "group.assigned": {
      const previous = groups.find((g) => g.id === data.previous);
      if (previous) {
        previous.members = (previous.members || []).filter((p) => p !== data.participant);
        if (typeof previous.count === "number") previous.count = Math.max(0, previous.count - 1);
        if (previous.spokesperson === data.participant) previous.spokesperson = null;
      }
      if (group) {
        if (group.members && data.participant) group.members.push(data.participant);
        if (typeof group.count === "number") group.count += 1;
      }
      const who = list.find((p) => p.id === data.participant);
      if (who) who.group = data.group ?? null;
      return;
    }
    case "group.spokesperson_set":
      if (group) group.spokesperson = data.participant ?? null;
      return;
    default:
  }
}

export const groupsOf = (session) => session?.groups || [];
export const sizeOf = (group) => group.members?.length ?? group.count ?? 0;
export const groupName = (session, id) => groupsOf(session).find((g) => g.id === id)?.name ?? null;

// "8 in the room · 4 online", or "" while nobody said where they are.
export function whereLine(participants) {
  const room = participants?.room ?? 0;
  const online = participants?.online ?? 0;
  if (!room && !online) return "";
  return t("where.counts", { room, online });
}

// -- per-group activities on the beamer and the console -----------------------------------

// A moderator's commands for one group's instance carry the group; everything else of the
// connection (state, outbox) is shared.
function liveFor(live, group) {
  const scoped = Object.create(live);
  scoped.send = (type, fields = {}) =>
    live.send(type, "activity" in fields ? { ...fields, group } : fields);
  return scoped;
}

// One column per group, each with the widget make(ctx) of this audience (the kind's presenter or
// moderator) fed with that group's instance. {el, update(view)}; the columns wrap on narrow
// screens (CSS .group-columns).
export function perGroup(make, ctx, { instanceView, headingLevel = "h4" }) {
  const columns = h("div", { class: "group-columns" });
  const empty = h("p", { class: "note" }, t("groups.none_yet"));
  const el = h("div", { class: "per-group" }, empty, columns);
  return {
    el,
    update(view) {
      const session = ctx.live.state.session;
      const groups = groupsOf(session);
      empty.hidden = groups.length > 0;
      syncList(columns, groups, (g) => g.id, (g) => {
        const widget = make({ ...ctx, live: liveFor(ctx.live, g.id), group: g.id });
        const section = h("section", { class: "group-column" },
          h(headingLevel, { class: "group-name" }), h("p", { class: "hint group-size" }), widget.el);
        section.widget = widget;
        return section;
      }, (section, g) => {
        const [heading, size] = section.children;
        heading.textContent = g.name;
        size.textContent = plural("groups.members", sizeOf(g));
        section.widget.update(instanceView(view, g.id));
      });
    },
  };
}

// -- the phone ----------------------------------------------------------------------------

let serial = 0;

// The phone's own group: its name and whether it speaks for it, and while self-selection is
// open a choice of the groups (changing one's group included).
export function groupBar(live, say) {
  const uid = `group-pick-${(serial += 1)}`;
  let shown = null; // the group the radios were last set to
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
  } }, h("fieldset", {}, legend, options), submit);
  const summary = h("summary", {}, t("groups.change"));
  const details = h("details", { class: "group-change" }, summary);
  const el = h("section", { class: "group-bar", "aria-label": t("groups.your_group") }, line, speaker, details, form);

  return {
    el,
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

// "I am in the room / online": two toggle buttons for the header of the phone.
export function whereToggle(live) {
  const button = (where, text) => h("button", { type: "button", class: "small", "data-where": where,
    onclick: () => {
      if (current() !== where) live.send("participant.where", { where });
    } }, text);
  const room = button("room", t("where.room"));
  const online = button("online", t("where.online"));
  const label = h("span", { class: "where-label", id: "where-label" }, t("where.label"));
  const el = h("div", { class: "where-toggle", role: "group", "aria-labelledby": label.id }, label, room, online);
  const current = () => live.pending("participant.where").pop()?.where ?? live.state?.you?.where ?? null;
  return {
    el,
    update() {
      const where = current();
      for (const b of [room, online]) b.setAttribute("aria-pressed", String(b.dataset.where === where));
    },
  };
}

// What an ack tells the phone about its own group and place (the server sends a fresh hello
// after a change of group; the place comes back only in the ack).
export function acked(live, command) {
  const you = live.state?.you;
  if (!you) return;
  if (command.type === "participant.where") you.where = command.where;
}
