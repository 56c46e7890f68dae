// Small groups and hybrid sessions on every page: the events of groups and of where people
// take part from, and per-group activities side by side (beamer, console).

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
      // The beamer's columns: up to four side by side, more in two rows.
      const n = Math.max(1, groups.length);
      columns.style.setProperty("--groups", String(n <= 4 ? n : Math.ceil(n / 2)));
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

// The phone's own group and place (its choice, room/online): static/js/phone/groups.js.
