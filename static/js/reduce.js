// How the events and tallies of docs/protocol.md change the state a page holds. Split from
// live.js (the connection) so that both stay small.
//
// A per-group activity is held as the server sends it: the moderator and the beamer get
// `groups: {g1: {<kind fields>}, …}` with one instance per group, a participant gets the
// instance of their own group as the activity itself (`group: "g1"`).

import { KINDS } from "./activities/index.js";
import { reduceSession } from "./agenda.js";
import { reduceGroups } from "./groups.js";

// session.updated's fields as the session view holds them (its `photos` is the list of photos,
// so the setting of who may send them is held as photo_policy).
const SESSION_FIELDS = { title: "title", place: "place", organisation: "organisation", moderators: "moderators", names: "names",
  language: "language", photos: "photo_policy" };

export function findActivity(session, id) {
  return session?.activities.find((a) => a.id === id) ?? null;
}

// The object a group's events and tallies change: the group's instance where the view holds
// all of them, else the activity itself (a phone holds only its own group's).
export function instanceOf(activity, group) {
  if (group == null || !activity.per_group || !activity.groups || Array.isArray(activity.groups)) {
    return activity;
  }
  return (activity.groups[group] ||= {});
}

// One group's instance as a whole activity view, for the widgets of a kind: the shared
// settings (title, config, status, items, revealed) with the group's own data over them.
export function instanceView(activity, group) {
  const own = activity.groups?.[group] ?? {};
  return { ...activity, results: null, ...own, groups: undefined, group, per_group: true };
}

export function applyTally(state, msg) {
  const activity = findActivity(state.session, msg.activity);
  if (!activity) return false;
  const instance = instanceOf(activity, msg.group);
  instance.results = msg.results;
  // The beamer's count while the results are hidden from it ("23 von 40 haben abgestimmt").
  if (typeof msg.responses === "number") instance.responses = msg.responses;
  else delete instance.responses;
  return true;
}

// Applies one event to the state, as docs/protocol.md ("Events") describes it per audience.
export function applyEvent(state, name, data, at = null) {
  const session = state.session;
  if (reduceSession(session, name, data, at)) return;
  if (reduceGroups(state, name, data)) return;
  // Making another activity current locks the one before (logs before protocol 1.1 say so
  // only by the activation); a Q&A stays open beside slides (docs/protocol.md).
  const lockPrevious = (current, activating = null) => {
    const previous = findActivity(session, session.current);
    const beside = activating?.kind === "slides" && previous?.kind === "qa";
    if (previous && session.current !== current && !beside) previous.status = "locked";
  };
  switch (name) {
    case "session.opened":
    case "session.started":
    case "session.deleted":
      session.status = data.status;
      return;
    case "session.closed":
      session.status = data.status;
      lockPrevious(null);
      return;
    case "session.updated":
      // Only the fields that changed.
      for (const [field, value] of Object.entries(data || {})) {
        if (Object.hasOwn(SESSION_FIELDS, field)) session[SESSION_FIELDS[field]] = value;
      }
      return;
    case "session.noted":
      session.notes = data.notes;
      return;
    case "nextstep.added":
    case "nextstep.updated":
      // The moderator's next steps (protocol 1.3), in the order they were recorded.
      putById((session.next_steps ||= []), data.step);
      return;
    case "nextstep.deleted":
      session.next_steps = (session.next_steps || []).filter((s) => s.id !== data.step);
      return;
    case "photo.added":
      // Every audience sees the photos of the session (static/js/media.js reads them).
      putById((session.photos ||= []), data.photo);
      return;
    case "photo.removed":
      session.photos = (session.photos || []).filter((p) => p.id !== data.photo);
      return;
    case "session.limits_set":
      session.limits = data.limits;
      return;
    case "session.logo_set":
      session.logo = data.logo;
      return;
    case "session.screen_set":
      session.screen = data.screen;
      return;
    case "participant.renamed": {
      const who = session.participants.list?.find((p) => p.id === data.participant.id);
      if (who) who.name = data.participant.name;
      return;
    }
    case "activity.created":
      putActivity(session, data.activity);
      return;
    case "activity.activated":
      lockPrevious(data.current, data.activity);
      putActivity(session, data.activity, data.before);
      session.current = data.current;
      return;
    case "activity.locked":
    case "activity.unlocked": {
      if (name === "activity.unlocked") lockPrevious(data.current, findActivity(session, data.activity));
      const activity = findActivity(session, data.activity);
      if (activity) activity.status = data.status;
      session.current = data.current;
      return;
    }
    case "activity.updated": {
      // The moderator gets the fields that changed; an audience that sees the activity may
      // get its whole view instead.
      if (typeof data.activity === "object") {
        putActivity(session, data.activity);
        return;
      }
      const activity = findActivity(session, data.activity);
      if (!activity) return;
      for (const field of ["title", "prompt", "config", "per_group"]) {
        if (field in data) activity[field] = data[field];
      }
      return;
    }
    case "activity.deleted":
      dropActivity(session, data.activity);
      return;
    case "activity.hidden": {
      // Only the moderator keeps a hidden activity (marked); the phones and the beamer drop
      // it, and get it back as a whole view (`view`, in front of `before`) when it is shown
      // again. Hidden, it is current for nobody.
      if ("current" in data) session.current = data.current;
      else if (data.hidden && session.current === data.activity) session.current = null;
      if (data.view) {
        putActivity(session, data.view, data.before);
        return;
      }
      const activity = findActivity(session, data.activity);
      if (state.role !== "moderator" && data.hidden) dropActivity(session, data.activity);
      else if (activity) activity.hidden = data.hidden;
      return;
    }
    case "activity.moved": {
      const activity = findActivity(session, data.activity);
      if (!activity) return;
      activity.phase = data.phase ?? null;
      moveBefore(session.activities, activity, data.before);
      return;
    }
    case "activity.revealed":
    case "activity.concealed":
      // The moderator gets a flag (it sees results anyway), the others the whole view.
      if (typeof data.activity === "object") putActivity(session, data.activity);
      else {
        const activity = findActivity(session, data.activity);
        if (activity) activity.revealed = data.revealed;
      }
      return;
    default: {
      const activity = findActivity(session, data?.activity);
      if (activity) KINDS[activity.kind]?.reduce?.(instanceOf(activity, data.group), name, data, at);
    }
  }
}

// Takes item out of list and puts it in front of the item with the id `before` (null, or an
// id not in the list: at the end), as activity.moved and phase.moved say.
export function moveBefore(list, item, before) {
  const from = list.indexOf(item);
  if (from >= 0) list.splice(from, 1);
  const to = before == null ? -1 : list.findIndex((x) => x.id === before);
  list.splice(to < 0 ? list.length : to, 0, item);
}

// An item in place of the one with its id, or (new) at the end of the list.
function putById(list, item) {
  const index = list.findIndex((x) => x.id === item.id);
  if (index >= 0) list[index] = item;
  else list.push(item);
}

function dropActivity(session, id) {
  const index = session.activities.findIndex((a) => a.id === id);
  if (index >= 0) session.activities.splice(index, 1);
  if (session.current === id) session.current = null;
}

// A view in place of the one held; a new one in front of `before` (else at the end).
function putActivity(session, view, before = null) {
  const index = session.activities.findIndex((a) => a.id === view.id);
  if (index >= 0) session.activities[index] = view;
  else moveBefore(session.activities, view, before);
}
