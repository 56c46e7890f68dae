// The console's side of qa (static/js/activities/qa.js has what the audiences share).

import { flags, sorted, votesOf } from "../activities/qa.js";
import { changed, fill, h, keepFocus, plural, syncList, t } from "../dom.js";

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
