// Questions to the panel: phones ask and upvote each other's questions; everyone sees the
// open questions ranked by votes (pinned first, answered last); the moderator marks them
// answered, pins, hides and (under premoderation) approves them.

import { changed, fill, h, keepFocus, plural, syncList, t } from "../dom.js";

const TEXT_LIMIT = 280;

export function reduce(activity, name, data) {
  if (!name.startsWith("question.")) return;
  const questions = (activity.questions ||= []);
  const id = typeof data.question === "string" ? data.question : data.question?.id;
  const index = questions.findIndex((q) => q.id === id);
  if (typeof data.question === "string") {
    if (index >= 0) questions.splice(index, 1); // hidden or withdrawn: gone for this audience
  } else if (data.question) {
    if (index >= 0) questions[index] = { ...questions[index], ...data.question };
    else questions.push(data.question);
  }
}

export function acked(ctx, command, ack) {
  const mine = (ctx.live.state.mine[command.activity] ||= {});
  const own = (mine.questions ||= []);
  const upvoted = (mine.upvoted ||= []);
  if (command.type === "question.ask" && ack.result?.question) {
    if (!own.some((q) => q.id === ack.result.question)) own.push({ id: ack.result.question, text: command.text.trim() });
    ctx.say(t("qa.sent"));
  } else if (command.type === "question.withdraw") {
    mine.questions = own.filter((q) => q.id !== command.question);
    ctx.say(t("qa.withdrawn_done"));
  } else if (command.type === "question.upvote") {
    mine.upvoted = upvoted.filter((q) => q !== command.question);
    if (command.up) mine.upvoted.push(command.question);
  }
}

// Votes from the latest tally, else as the question record had them.
function votesOf(view, question) {
  return view.results?.questions?.find((q) => q.id === question.id)?.votes ?? question.votes ?? 0;
}

// Pinned first, then open before answered, then most votes, then oldest.
export function sorted(view, questions = view.questions || []) {
  return [...questions].sort((a, b) => (b.pinned ? 1 : 0) - (a.pinned ? 1 : 0)
    || (a.answered ? 1 : 0) - (b.answered ? 1 : 0)
    || votesOf(view, b) - votesOf(view, a)
    || String(a.at).localeCompare(String(b.at)));
}

function flags(question) {
  return [question.pinned && t("qa.pinned"), question.answered && t("qa.answered")].filter(Boolean);
}

// -- participant --------------------------------------------------------------------------

export function participant(ctx) {
  let activity = null;
  const area = h("textarea", { id: "question-new", name: "text", rows: 3, maxlength: TEXT_LIMIT, required: true });
  const form = h("form", { class: "stack", onsubmit: (e) => {
    e.preventDefault();
    const text = area.value.trim();
    if (!text) return ctx.say(t("idea.empty"), "error");
    ctx.live.send("question.ask", { activity: activity.id, text });
    area.value = "";
    ctx.say(t("idea.sending"));
  } }, h("label", { for: area.id }, t("qa.label")), area,
  h("button", { type: "submit", class: "primary" }, t("qa.ask")));
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const waitingHeading = h("h3", {}, t("qa.waiting_heading"));
  const waitingList = h("ul", { class: "cards own" });
  const heading = h("h3", {});
  const list = h("ul", { class: "cards questions" });
  const el = h("div", { class: "stack" }, form, closed, waitingHeading, waitingList, heading, list);

  const own = () => ctx.live.state.mine[activity.id]?.questions || [];
  function upvoted(id) {
    const pending = ctx.live.pending("question.upvote").filter((c) => c.question === id).pop();
    return pending ? pending.up : (ctx.live.state.mine[activity.id]?.upvoted || []).includes(id);
  }

  function card() {
    const li = h("li", { class: "card question" });
    li.show = (q) => {
      const mine = own().some((o) => o.id === q.id);
      const up = upvoted(q.id);
      const open = activity.status === "active";
      const votes = votesOf(activity, q);
      li.classList.toggle("answered", Boolean(q.answered));
      li.classList.toggle("pinned", Boolean(q.pinned));
      fill(li,
        h("p", { class: "idea-text" }, q.text),
        h("p", { class: "hint" }, [plural("qa.votes", votes), mine && t("qa.yours"), ...flags(q)].filter(Boolean).join(" · ")),
        open && h("div", { class: "actions" },
          mine
            ? h("button", { type: "button", onclick: () => ctx.live.send("question.withdraw", { activity: activity.id, question: q.id }) }, t("idea.withdraw"))
            : h("button", { type: "button", class: up ? "primary upvote" : "upvote", "aria-pressed": String(up),
              onclick: () => ctx.live.send("question.upvote", { activity: activity.id, question: q.id, up: !up }) },
            t("qa.upvote"))));
    };
    return li;
  }

  return {
    el,
    update(view) {
      activity = view;
      const open = view.status === "active";
      form.hidden = !open;
      closed.hidden = open;
      const questions = sorted(view);
      const shown = new Set(questions.map((q) => q.id));
      const waiting = own().filter((q) => !shown.has(q.id));
      waitingHeading.hidden = waitingList.hidden = !waiting.length;
      syncList(waitingList, waiting, (q) => q.id, () => h("li", { class: "card" }, h("p", { class: "idea-text" }), h("p", { class: "hint" }, t("qa.pending"))),
        (li, q) => { li.firstChild.textContent = q.text; });
      heading.textContent = plural("qa.count", questions.length);
      const mine = own().map((q) => q.id);
      keepFocus(list, () => syncList(list, questions, (q) => q.id, card, (li, q) => {
        if (changed(li, q, votesOf(view, q), upvoted(q.id), mine, open)) li.show(q);
      }));
    },
  };
}

// -- presenter ----------------------------------------------------------------------------

export function presenter() {
  const count = h("p", { class: "count" });
  const empty = h("p", { class: "note" }, t("qa.none_yet"));
  const list = h("ol", { class: "questions-wall" });
  return {
    el: h("div", { class: "stack" }, count, empty, list),
    update(view) {
      const questions = sorted(view);
      count.textContent = plural("qa.count", questions.length);
      empty.hidden = questions.length > 0;
      syncList(list, questions, (q) => q.id,
        () => h("li", { class: "card question" }, h("span", { class: "qa-votes" }), h("p", { class: "idea-text" }), h("p", { class: "hint" })),
        (li, q) => {
          const [votes, text, meta] = li.children;
          votes.textContent = plural("qa.votes", votesOf(view, q));
          text.textContent = q.text;
          meta.textContent = flags(q).join(" · ");
          meta.hidden = !meta.textContent;
          li.classList.toggle("answered", Boolean(q.answered));
          li.classList.toggle("pinned", Boolean(q.pinned));
        });
    },
  };
}

// -- moderator ----------------------------------------------------------------------------

export function configFrom(data) {
  return { premoderation: data.get("premoderation") === "on" };
}

export function moderator(ctx) {
  let activity = null;
  const count = h("p", { class: "hint" });
  const list = h("ul", { class: "idea-admin" });
  const send = (type, q, fields = {}) => ctx.live.send(type, { activity: activity.id, question: q.id, ...fields });
  return {
    el: h("div", { class: "stack" }, count, list),
    update(view) {
      activity = view;
      const questions = sorted(view);
      count.textContent = plural("qa.count", questions.filter((q) => !q.hidden && !q.withdrawn && q.approved !== false).length);
      keepFocus(list, () => syncList(list, questions, (q) => q.id, () => h("li", {}), (li, q) => {
        if (!changed(li, q, votesOf(view, q), ctx.closed())) return;
        const state = [q.approved === false && t("qa.pending_short"), q.hidden && t("idea.hidden"),
          q.withdrawn && t("idea.withdrawn"), ...flags(q)].filter(Boolean);
        li.classList.toggle("muted", Boolean(q.hidden || q.withdrawn));
        const button = (text, onclick, cls) => h("button", { type: "button", class: cls, onclick }, text);
        fill(li,
          h("p", { class: "idea-text" }, q.text),
          h("p", { class: "hint" }, [plural("qa.votes", votesOf(view, q)), ...state].join(" · ")),
          !q.withdrawn && !ctx.closed() && h("div", { class: "actions" },
            q.approved === false && button(t("qa.approve"), () => send("question.approve", q), "primary"),
            button(t(q.answered ? "qa.reopen" : "qa.mark_answered"), () => send("question.answer", q, { answered: !q.answered })),
            button(t(q.pinned ? "qa.unpin" : "qa.pin"), () => send("question.pin", q, { pinned: !q.pinned })),
            button(t(q.hidden ? "idea.restore" : "idea.hide"), () => send(q.hidden ? "question.restore" : "question.hide", q))));
      }));
    },
  };
}
