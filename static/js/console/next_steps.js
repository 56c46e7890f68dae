// The console's "Nächste Schritte": what is to be done after the workshop, by whom and by when
// (nextstep.add / nextstep.update / nextstep.delete, docs/protocol.md). The moderator's session
// view holds them as `next_steps`, in the order they were recorded; every moderator tab follows
// the events. Open while the session is open, live and closed: the steps are often agreed at
// the very end, or written down afterwards.

import { h, plural, srOnly, syncList, t } from "../dom.js";
import { groupName, groupsOf } from "../groups.js";

export const WHAT_LIMIT = 300;
export const WHO_LIMIT = 120;

const LANG = document.documentElement.lang || "de";
const DATE = new Intl.DateTimeFormat(LANG, { dateStyle: "medium", timeZone: "UTC" });

// "2027-03-31" as people read it ("31.03.2027", "Mar 31, 2027"); the date itself, no time zone.
export function dueText(due) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(due || "");
  if (!match) return due || "";
  return DATE.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))));
}

export const stepsOf = (session) => session?.next_steps || [];

// The line under a step's text: who, by when, from which activity and group.
function metaLine(session, step) {
  const activity = session.activities.find((a) => a.id === step.activity);
  return [
    step.who && t("nextsteps.who_line", { who: step.who }),
    step.due && t("nextsteps.due_line", { date: dueText(step.due) }),
    activity && t("nextsteps.from_line", { title: activity.title }),
    groupName(session, step.group),
  ].filter(Boolean).join(" · ");
}

function confirmDialog() {
  const text = h("p", { class: "step-quote" });
  const dialog = h("dialog", { "aria-labelledby": "h-nextstep-delete" },
    h("form", { method: "dialog", class: "stack" },
      h("h2", { id: "h-nextstep-delete" }, t("nextsteps.delete_title")),
      text,
      h("p", {}, t("nextsteps.delete_text")),
      h("div", { class: "actions" },
        h("button", { value: "cancel", autofocus: true }, t("common.cancel")),
        h("button", { value: "yes", class: "danger" }, t("nextsteps.delete")))));
  document.body.append(dialog);
  // Resolves true when the moderator confirmed.
  return (what) => new Promise((resolve) => {
    text.textContent = what;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}

export function nextStepsPanel({ live, say }) {
  const confirmDelete = confirmDialog();
  const pending = new Map(); // command id -> what it was ("add", "update", "delete")
  let editing = null; // the id of the step in the form, or null: the form adds one

  const count = h("p", { class: "hint", id: "nextsteps-count" });
  const list = h("ol", { class: "next-steps", "aria-labelledby": "h-nextsteps" });

  const what = h("textarea", { id: "nextstep-what", name: "what", rows: 3, maxlength: WHAT_LIMIT, required: true,
    "aria-describedby": "nextstep-error" });
  const who = h("input", { id: "nextstep-who", name: "who", maxlength: WHO_LIMIT, autocomplete: "off" });
  const due = h("input", { id: "nextstep-due", name: "due", type: "date" });
  const activity = h("select", { id: "nextstep-activity", name: "activity" });
  const group = h("select", { id: "nextstep-group", name: "group" });
  const groupField = h("div", { class: "stack" }, h("label", { for: group.id }, t("nextsteps.group")), group);
  const error = h("p", { id: "nextstep-error", class: "notice", "data-kind": "error", role: "alert", hidden: true });
  const heading = h("h3", { id: "h-nextstep-form" }, t("nextsteps.new"));
  const submit = h("button", { type: "submit", class: "primary" }, t("nextsteps.add"));
  const cancel = h("button", { type: "button", hidden: true, onclick: () => stopEditing() }, t("common.cancel"));
  const form = h("form", { class: "stack nextstep-form", "aria-labelledby": "h-nextstep-form", novalidate: true },
    heading, error,
    h("label", { for: what.id }, t("nextsteps.what")), what,
    h("label", { for: who.id }, t("nextsteps.who")), who,
    h("label", { for: due.id }, t("nextsteps.due")), due,
    h("div", { class: "stack" }, h("label", { for: activity.id }, t("nextsteps.activity")), activity),
    groupField,
    h("div", { class: "actions" }, submit, cancel));
  const el = h("div", { class: "stack" }, h("p", { class: "hint" }, t("nextsteps.intro")), count, list, form);

  const showError = (text) => {
    error.textContent = text || "";
    error.hidden = !text;
    what.toggleAttribute("aria-invalid", Boolean(text));
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const fields = { what: what.value.trim(), who: who.value.trim(), due: due.value || "" };
    if (!fields.what) {
      showError(t("nextsteps.what_empty"));
      return what.focus();
    }
    if (activity.value) fields.activity = activity.value;
    if (group.value && !groupField.hidden) fields.group = group.value;
    showError("");
    if (editing) pending.set(live.send("nextstep.update", { step: editing, ...fields }), "update");
    else pending.set(live.send("nextstep.add", fields), "add");
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && editing) {
      e.stopPropagation();
      stopEditing();
    }
  });

  function startEditing(step) {
    editing = step.id;
    what.value = step.what;
    who.value = step.who || "";
    due.value = step.due || "";
    activity.value = step.activity || "";
    group.value = step.group || "";
    heading.textContent = t("nextsteps.editing");
    submit.textContent = t("nextsteps.save");
    cancel.hidden = false;
    showError("");
    markEditing();
    what.focus();
  }

  function stopEditing(focus = true) {
    const was = editing;
    editing = null;
    form.reset();
    heading.textContent = t("nextsteps.new");
    submit.textContent = t("nextsteps.add");
    cancel.hidden = true;
    showError("");
    markEditing();
    if (focus && was) list.querySelector(`[data-key="${CSS.escape(was)}"] [data-edit]`)?.focus();
  }

  const markEditing = () => {
    for (const li of list.children) li.classList.toggle("editing", li.dataset.key === editing);
  };

  function row() {
    const text = h("p", { class: "step-what" });
    const meta = h("p", { class: "hint step-meta" });
    const edit = h("button", { type: "button", class: "small", "data-edit": "" });
    const remove = h("button", { type: "button", class: "small danger" });
    const li = h("li", { class: "next-step" }, text, meta, h("div", { class: "actions" }, edit, remove));
    edit.addEventListener("click", () => startEditing(li.step));
    remove.addEventListener("click", async () => {
      const step = li.step;
      if (!(await confirmDelete(step.what))) return remove.focus();
      pending.set(live.send("nextstep.delete", { step: step.id }), "delete");
    });
    li.show = (session, step) => {
      li.step = step;
      text.textContent = step.what;
      meta.textContent = metaLine(session, step);
      meta.hidden = !meta.textContent;
      // The step's text after the button's name, for screen readers ("Bearbeiten: Förderantrag …").
      edit.replaceChildren(t("nextsteps.edit"), srOnly(`: ${step.what}`));
      remove.replaceChildren(t("nextsteps.delete"), srOnly(`: ${step.what}`));
    };
    return li;
  }

  // The options of a select, rebuilt only when they change (so an open select stays open).
  function options(select, choices, none) {
    const key = JSON.stringify(choices);
    if (select.dataset.key === key) return;
    const value = select.value;
    select.dataset.key = key;
    select.replaceChildren(h("option", { value: "" }, none), ...choices.map(([id, label]) => h("option", { value: id }, label)));
    select.value = choices.some(([id]) => id === value) ? value : "";
  }

  live.on("ack", (command) => {
    const kind = pending.get(command?.id);
    if (!kind) return;
    pending.delete(command.id);
    if (kind === "add") {
      form.reset();
      say(t("nextsteps.added"));
      what.focus();
    } else if (kind === "update") {
      if (editing === command.step) stopEditing();
      say(t("nextsteps.updated"));
    } else {
      if (editing === command.step) stopEditing(false);
      say(t("nextsteps.deleted"));
      (list.querySelector("[data-edit]") || what).focus();
    }
  });
  live.on("error", (command, problem) => {
    if (!pending.has(command?.id)) return;
    pending.delete(command.id);
    showError(problem.message);
  });

  return {
    el,
    update(session) {
      const steps = stepsOf(session);
      count.textContent = steps.length ? plural("nextsteps.count", steps.length) : t("nextsteps.none");
      list.hidden = !steps.length;
      syncList(list, steps, (s) => s.id, row, (li, s) => li.show(session, s));
      // The step in the form was deleted (in another tab, too): the form adds again.
      if (editing && !steps.some((s) => s.id === editing)) stopEditing(false);
      markEditing();
      options(activity, session.activities.map((a) => [a.id, a.title]), t("nextsteps.no_activity"));
      const groups = groupsOf(session);
      options(group, groups.map((g) => [g.id, g.name]), t("nextsteps.no_group"));
      groupField.hidden = !groups.length;
    },
  };
}
