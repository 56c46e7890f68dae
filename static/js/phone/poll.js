// The phone's side of poll (static/js/activities/poll.js has what the audiences share).

import { labelsOf, results } from "../activities/poll.js";
import { fill, h, plural, t } from "../dom.js";
import { sendBar } from "./parts.js";

export function acked(ctx, command, ack) {
  if (command.type !== "vote.cast") return;
  (ctx.live.state.mine[command.activity] ||= {}).choices = ack.result?.choices ?? command.choices;
  ctx.say(t("poll.sent"));
}



export function participant(ctx) {
  let activity = null;
  let shownMine = null; // the ballot the inputs were last set to
  const legend = h("legend", {});
  const options = h("div", { class: "options" });
  const submit = h("button", { class: "primary", type: "submit" });
  const form = h("form", { class: "stack", onsubmit: (e) => {
    e.preventDefault();
    const choices = [...options.querySelectorAll("input:checked")].map((i) => i.value);
    if (!choices.length) return ctx.say(t("poll.choose"), "error");
    ctx.live.send("vote.cast", { activity: activity.id, choices });
    ctx.say(t("poll.sending"));
  } }, h("fieldset", {}, legend, options), sendBar(submit));
  const chosen = h("p", { class: "chosen" });
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const heading = h("h3", {}, t("poll.results"));
  const bars = results();
  const el = h("div", { class: "stack" }, form, chosen, closed, heading, bars.el);

  // With a limit on choices, boxes beyond it are disabled rather than refused later.
  function limit() {
    const max = activity.config.max_choices;
    const boxes = [...options.querySelectorAll("input")];
    const full = activity.config.multiple && boxes.filter((b) => b.checked).length >= max;
    const open = activity.status === "active";
    for (const box of boxes) box.disabled = !open || (full && !box.checked);
  }

  return {
    el,
    update(view) {
      const fresh = activity?.id !== view.id;
      activity = view;
      const config = view.config;
      const type = config.multiple ? "checkbox" : "radio";
      legend.textContent = config.multiple
        ? plural("poll.choose_up_to", config.max_choices) : t("poll.choose_one");
      if (fresh) {
        fill(options, ...config.options.map((o) => h("label", { class: "option" },
          h("input", { type, name: `poll-${view.id}`, value: o.id, onchange: limit }),
          h("span", {}, o.label))));
      }
      const pending = ctx.live.pending("vote.cast").filter((c) => c.activity === view.id).pop();
      const mine = pending?.choices ?? ctx.live.state.mine[view.id]?.choices ?? [];
      const key = mine.join(" ");
      if (key !== shownMine) {
        for (const box of options.querySelectorAll("input")) box.checked = mine.includes(box.value);
        shownMine = key;
      }
      limit();
      const open = view.status === "active";
      submit.hidden = !open;
      submit.textContent = mine.length ? t("poll.change") : t("poll.vote");
      closed.hidden = open;
      chosen.hidden = !mine.length;
      chosen.textContent = mine.length
        ? t(pending ? "poll.sending_choice" : "poll.your_choice", { choice: labelsOf(config, mine) })
        : "";
      const revealed = view.revealed && view.results;
      heading.hidden = bars.el.hidden = !revealed;
      if (revealed) bars.update(config, view.results);
    },
  };
}
