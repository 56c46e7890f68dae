// The phone's side of qa (static/js/activities/qa.js has what the audiences share).

import { answerOf, flags, sorted, TEXT_LIMIT, votesOf } from "../activities/qa.js";
import { changed, fill, h, keepFocus, plural, syncList, t } from "../dom.js";
import { sendBar } from "./parts.js";

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



export function participant(ctx) {
  let activity = null;
  const area = h("textarea", { id: "question-new", name: "text", rows: 3, maxlength: TEXT_LIMIT, required: true,
    inputmode: "text", enterkeyhint: "enter", autocapitalize: "sentences" });
  const form = h("form", { class: "stack", onsubmit: (e) => {
    e.preventDefault();
    const text = area.value.trim();
    if (!text) return ctx.say(t("idea.empty"), "error");
    ctx.live.send("question.ask", { activity: activity.id, text });
    area.value = "";
    ctx.say(t("idea.sending"));
  } }, h("label", { for: area.id }, t("qa.label")), area,
  sendBar(h("button", { type: "submit", class: "primary" }, t("qa.ask"))));
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
        answerOf(q) && h("div", { class: "qa-answer" },
          h("p", { class: "qa-answer-label" }, t("qa.answer_heading")),
          h("p", { class: "qa-answer-text" }, answerOf(q))),
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
