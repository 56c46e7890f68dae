// How the events and tallies of docs/protocol.md change the state a page holds. Split from
// live.js (the connection) so that both stay small.
//
// A per-group activity is held as the server sends it: the moderator and the beamer get
// `groups: {g1: {<kind fields>}, …}` with one instance per group, a participant gets the
// instance of their own group as the activity itself (`group: "g1"`).

import { KINDS } from "./activities/index.js";
import { reduceSession } from "./agenda.js";
import { reduceGroups } from "./groups.js";

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
  const lockPrevious = (current) => {
    const previous = findActivity(session, session.current);
    if (previous && session.current !== current) previous.status = "locked";
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
    case "session.noted":
      session.notes = data.notes;
      return;
    case "session.limits_set":
      session.limits = data.limits;
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
      lockPrevious(data.current);
      putActivity(session, data.activity);
      session.current = data.current;
      return;
    case "activity.locked":
    case "activity.unlocked": {
      if (name === "activity.unlocked") lockPrevious(data.current);
      const activity = findActivity(session, data.activity);
      if (activity) activity.status = data.status;
      session.current = data.current;
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

function putActivity(session, view) {
  const index = session.activities.findIndex((a) => a.id === view.id);
  if (index >= 0) session.activities[index] = view;
  else session.activities.push(view);
}
