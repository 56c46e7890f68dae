// The console's side of qa (static/js/activities/qa.js has what the audiences share): each
// question with its votes and state, its buttons, and the answer the moderation records
// (question.answer with `answer`), which every screen then shows under the question.

import { ANSWER_LIMIT, answerOf, flags, sorted, votesOf } from "../activities/qa.js";
import { changed, fill, h, keepFocus, plural, syncList, t } from "../dom.js";

export function configFrom(data) {
  return { premoderation: data.get("premoderation") === "on" };
}

let forms = 0; // ids of the answer fields, unique on the page (per-group widgets included)

export function moderator(ctx) {
  let activity = null;
  const count = h("p", { class: "hint" });
  const list = h("ul", { class: "idea-admin" });
  const send = (type, q, fields = {}) => ctx.live.send(type, { activity: activity.id, question: q.id, ...fields });
  const errors = new Map(); // command id -> the answer form that sent it

  ctx.live.on("ack", (command) => {
    const form = errors.get(command?.id);
    if (!form) return;
    errors.delete(command.id);
    form.done(command.answer ? t("qa.answer_saved") : t("qa.answer_removed"));
  });
  ctx.live.on("error", (command, problem) => {
    const form = errors.get(command?.id);
    if (!form) return;
    errors.delete(command.id);
    form.failed(problem.message);
  });

  // The inline form of one question: stays in the row (and keeps what is typed) while the
  // row's other parts follow the live updates.
  function answerForm(li) {
    const id = `qa-answer-${++forms}`;
    const area = h("textarea", { id, name: "answer", rows: 3, maxlength: ANSWER_LIMIT, required: true,
      "aria-describedby": `${id}-error` });
    const error = h("p", { id: `${id}-error`, class: "notice", "data-kind": "error", role: "alert", hidden: true });
    const form = h("form", { class: "stack answer-form", hidden: true, onsubmit: (e) => {
      e.preventDefault();
      const text = area.value.trim();
      if (!text) {
        error.textContent = t("qa.answer_empty");
        error.hidden = false;
        return area.focus();
      }
      errors.set(send("question.answer", li.question, { answered: true, answer: text }), form);
    } },
    h("label", { for: id }, t("qa.answer_label")), area, error,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("qa.answer_save")),
      h("button", { type: "button", onclick: () => form.close() }, t("common.cancel"))));
    form.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        form.close();
      }
    });
    form.open = () => {
      area.value = answerOf(li.question);
      error.hidden = true;
      form.hidden = false;
      li.render();
      area.focus();
    };
    form.close = () => {
      form.hidden = true;
      error.hidden = true;
      li.render();
      li.querySelector("[data-answer-open]")?.focus();
    };
    form.done = (message) => {
      if (!form.hidden) form.close();
      ctx.say(message);
    };
    form.failed = (message) => {
      error.textContent = message;
      error.hidden = false;
    };
    return form;
  }

  function row() {
    const li = h("li", {});
    const text = h("p", { class: "idea-text" });
    const meta = h("p", { class: "hint" });
    const answer = h("div", { class: "qa-answer" });
    const actions = h("div", { class: "actions" });
    const form = answerForm(li);
    li.append(text, meta, answer, form, actions);
    li.render = () => {
      const q = li.question;
      const closed = ctx.closed();
      const state = [q.approved === false && t("qa.pending_short"), q.hidden && t("idea.hidden"),
        q.withdrawn && t("idea.withdrawn"), ...flags(q)].filter(Boolean);
      li.classList.toggle("muted", Boolean(q.hidden || q.withdrawn));
      text.textContent = q.text;
      meta.textContent = [plural("qa.votes", votesOf(activity, q)), ...state].join(" · ");
      const recorded = answerOf(q);
      const button = (label, onclick, more = {}) => h("button", { type: "button", class: "small", onclick, ...more }, label);
      answer.hidden = !recorded || !form.hidden; // the form holds it while it is open
      fill(answer, recorded && [
        h("p", { class: "qa-answer-label" }, t("qa.answer_heading")),
        h("p", { class: "qa-answer-text" }, recorded),
      ]);
      // Answers can still be recorded after the session closed (for the documentation);
      // the rest of the moderation ends with it.
      const answerable = !q.withdrawn && activity.status !== "draft";
      const moderating = !q.withdrawn && !closed;
      actions.hidden = !answerable;
      fill(actions, answerable && [
        moderating && q.approved === false && button(t("qa.approve"), () => send("question.approve", q), { class: "small primary" }),
        form.hidden && button(t(recorded ? "qa.answer_edit" : "qa.answer_record"), () => form.open(),
          { "data-answer-open": "" }),
        recorded && form.hidden && button(t("qa.answer_remove"), () => {
          errors.set(send("question.answer", q, { answered: Boolean(q.answered), answer: "" }), form);
        }),
        button(t(q.answered ? "qa.reopen" : "qa.mark_answered"), () => send("question.answer", q, { answered: !q.answered })),
        moderating && button(t(q.pinned ? "qa.unpin" : "qa.pin"), () => send("question.pin", q, { pinned: !q.pinned })),
        moderating && button(t(q.hidden ? "idea.restore" : "idea.hide"), () => send(q.hidden ? "question.restore" : "question.hide", q)),
      ]);
      if (!answerable && !form.hidden) form.hidden = true;
    };
    return li;
  }

  return {
    el: h("div", { class: "stack" }, count, list),
    update(view) {
      activity = view;
      const questions = sorted(view);
      count.textContent = plural("qa.count", questions.filter((q) => !q.hidden && !q.withdrawn && q.approved !== false).length);
      keepFocus(list, () => syncList(list, questions, (q) => q.id, row, (li, q) => {
        li.question = q;
        if (changed(li, q, votesOf(view, q), ctx.closed(), view.status)) li.render();
      }));
    },
  };
}
