"""build_report: the Report of a session, a pure function of its event log and a time zone."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from facilitator.archive.kinds import MEDIA, RESULTS, Context
from facilitator.archive.replay import Timeline, replay
from facilitator.archive.report import (
    SCHEMA,
    ActivityReport,
    GroupReport,
    Instance,
    Item,
    NextStep,
    Participation,
    PhaseReport,
    PhotoReport,
    Report,
    SessionInfo,
    Slot,
)
from facilitator.archive.roadmap import build_roadmap
from facilitator.archive.selection import selection
from facilitator.archive.summary import build_summary
from facilitator.archive.text import slug
from facilitator.domain.activities import Activity
from facilitator.domain.model import Event
from facilitator.domain.session import SessionState
from facilitator.i18n import translations

SLOT = 600  # seconds: participation is counted in 10-minute slots of the clock
# Up to this many slots (six hours) the timeline lists empty slots too, so it reads as a
# curve; a session spread over days lists only the slots in which someone joined.
DENSE_SLOTS = 36


class _Clock:
    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    def iso(self, at: float) -> str:
        return datetime.fromtimestamp(at, self.zone).isoformat(timespec="milliseconds")

    def maybe(self, at: float | None) -> str | None:
        return None if at is None else self.iso(at)

    def slot_start(self, at: float) -> int:
        local = datetime.fromtimestamp(at, self.zone)
        start = local.replace(minute=local.minute - local.minute % 10, second=0,
                              microsecond=0)
        return int(start.timestamp())


def _slots(joins: list[float], clock: _Clock) -> list[Slot]:
    counts: dict[int, int] = {}
    for at in joins:
        start = clock.slot_start(at)
        counts[start] = counts.get(start, 0) + 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    starts = (list(range(first, last + 1, SLOT)) if (last - first) // SLOT < DENSE_SLOTS
              else sorted(counts))
    out, total = [], 0
    for start in starts:
        total += counts.get(start, 0)
        out.append(Slot(clock.iso(start), counts.get(start, 0), total))
    return out


def _mode(room: int, online: int) -> str:
    """Where the workshop took place, as far as the participants said: online when every
    one who said so was online, hybrid when both, else in the room (also when nobody said:
    a session that did not ask was not a hybrid one, and most workshops meet in a room)."""
    if online and not room:
        return "online"
    return "hybrid" if online and room else "room"


def _participation(state: SessionState, line: Timeline, clock: _Clock) -> Participation:
    room = sum(1 for p in state.participants.values() if p.where == "room")
    online = sum(1 for p in state.participants.values() if p.where == "online")
    count = len(state.participants)
    return Participation(count, room, online, count - room - online,
                         _slots(line.joins, clock))


def _documented(state: SessionState, line: Timeline) -> list[Activity]:
    """Activities that ran or got input, in the session's order; drafts nobody used are
    plans, not results. Those the moderator hid come last, documented apart."""
    used = [a for a in state.activities.values()
            if a.status != "draft" or a.id in line.touched]
    return [a for a in used if not a.hidden] + [a for a in used if a.hidden]


def _group_ids(state: SessionState, activity: Activity) -> list[str]:
    # Current groups in their order; then groups deleted later that left results.
    return [*state.groups, *(g for g in activity.groups if g not in state.groups)]


def _activity(state: SessionState, line: Timeline, clock: _Clock, activity: Activity,
              number: int, base: Context, numbers: dict[str, int]) -> ActivityReport:
    names = line.group_names
    items = None
    if activity.items is not None:
        items = [Item(i["id"], i["label"], i.get("group"),
                      names.get(i["group"]) if i.get("group") else None)
                 for i in activity.items]
    ctx = Context(base.gettext, base.names, {i.id: i for i in items or ()})
    convert = RESULTS[activity.kind]
    if activity.per_group:
        instances = [Instance(g, names.get(g, g), convert(state.instance(activity, g), ctx))
                     for g in _group_ids(state, activity)]
    else:
        instances = [Instance(None, None, convert(activity, ctx))]
    phase = state.phases.get(activity.phase) if activity.phase else None
    settings = {k: copy.deepcopy(v) for k, v in activity.config.items() if k != "items"}
    return ActivityReport(
        number=number, id=activity.id, kind=activity.kind, title=activity.title,
        prompt=activity.prompt, phase=activity.phase,
        phase_title=phase.title if phase else None, per_group=activity.per_group,
        status=activity.status, activated=clock.maybe(line.activated.get(activity.id)),
        locked=clock.maybe(line.locked.get(activity.id)),
        revealed=clock.maybe(line.revealed.get(activity.id)), settings=settings,
        items=items, instances=instances,
        csv=f"csv/{number:02d}-{slug(activity.title, activity.kind)}.csv",
        hidden=activity.hidden,
        selection=selection(state, activity, line.offered.get(activity.id), numbers))


def _agenda(state: SessionState, line: Timeline, clock: _Clock,
            activities: list[ActivityReport]) -> list[PhaseReport]:
    out = []
    for phase in state.phases.values():
        runs = line.runs.get(phase.id, [])
        seconds = line.run_time(phase.id)
        out.append(PhaseReport(
            id=phase.id, title=phase.title, planned_minutes=phase.minutes,
            actual_minutes=None if seconds is None else int(seconds / 60 + 0.5),
            started=clock.iso(runs[0][0]) if runs else None,
            ended=clock.maybe(runs[-1][1]) if runs else None,
            activities=[a.number for a in activities if a.phase == phase.id]))
    return out


def _groups(state: SessionState, line: Timeline,
            activities: list[ActivityReport]) -> list[GroupReport]:
    sizes = {g: 0 for g in state.groups}
    for group in state.members.values():
        sizes[group] += 1
    out = [GroupReport(g.id, g.name, sizes[g.id], False) for g in state.groups.values()]
    mentioned = [i.group for a in activities for i in a.instances if i.group] + [
        item.group for a in activities for item in a.items or () if item.group]
    for group in dict.fromkeys(mentioned):
        if group not in state.groups:
            out.append(GroupReport(group, line.group_names.get(group, group), 0, True))
    return out


def _photos(state: SessionState, line: Timeline, clock: _Clock,
            activities: list[ActivityReport]) -> list[PhotoReport]:
    """The photos still there at the end (a removed one is gone from the documentation too),
    oldest first."""
    numbers = {a.id: a.number for a in activities}
    out = []
    for photo in state.photos.values():
        phase = state.phases.get(photo.phase) if photo.phase else None
        out.append(PhotoReport(
            id=photo.id, file=MEDIA + photo.image, thumb=MEDIA + photo.thumb,
            width=photo.width, height=photo.height, added=clock.iso(photo.at),
            by_moderator=photo.participant is None, group=photo.group,
            group_name=line.group_names.get(photo.group, photo.group) if photo.group
            else None,
            activity=numbers.get(photo.activity) if photo.activity else None,
            phase=photo.phase, phase_title=phase.title if phase else None))
    return out


def _next_steps(state: SessionState, line: Timeline, clock: _Clock,
                activities: list[ActivityReport]) -> list[NextStep]:
    """The next steps at the end, in the order they were recorded."""
    numbers = {a.id: a.number for a in activities}
    out = []
    for number, step in enumerate(state.next_steps.values(), start=1):
        activity = state.activities.get(step.activity) if step.activity else None
        out.append(NextStep(
            number=number, what=step.what, who=step.who, due=step.due, activity=step.activity,
            activity_number=numbers.get(step.activity) if step.activity else None,
            activity_title=activity.title if activity is not None else None,
            group=step.group,
            group_name=line.group_names.get(step.group, step.group) if step.group else None,
            recorded=clock.iso(step.at)))
    return out


def _joined(line: Timeline, activities: list[ActivityReport]) -> dict[str, int]:
    """Per activity, the participants who had joined when its input closed (while it is
    still open: by the end of the log): who could have taken part."""
    out = {}
    for a in activities:
        end = line.locked.get(a.id) if a.locked is not None else None
        out[a.id] = sum(1 for at in line.joins if end is None or at <= end)
    return out


def build_report(events: Sequence[Event], *, timezone: str = "Europe/Berlin",
                 organisation: str = "") -> Report:
    clock = _Clock(ZoneInfo(timezone))
    state, line = replay(events)
    names = {p.id: p.name for p in state.participants.values()}
    ctx = Context(translations(state.language).gettext, names, {})
    documented = _documented(state, line)
    numbers = {a.id: n for n, a in enumerate(documented, start=1)}
    activities = [_activity(state, line, clock, a, numbers[a.id], ctx, numbers)
                  for a in documented]
    participation = _participation(state, line, clock)
    session = SessionInfo(
        id=state.id, title=state.title, language=state.language, timezone=timezone,
        names=state.names, status=state.status, created=clock.iso(state.created),
        opened=clock.maybe(line.opened), started=clock.maybe(line.started),
        closed=clock.maybe(line.closed), as_of=clock.iso(line.last), place=state.place,
        mode=_mode(participation.room, participation.online),
        moderators=list(state.moderators),
        organisation=state.organisation or organisation or None)
    groups = _groups(state, line, activities)
    return Report(schema=SCHEMA, session=session,
                  summary=build_summary(activities, groups, _joined(line, activities)),
                  participation=participation,
                  agenda=_agenda(state, line, clock, activities),
                  groups=groups, activities=activities,
                  notes=state.notes, photos=_photos(state, line, clock, activities),
                  roadmap=build_roadmap(activities),
                  next_steps=_next_steps(state, line, clock, activities))
