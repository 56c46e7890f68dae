// Polls: the phone picks one or several options; results are bars with counts and shares,
// for the moderator always, for the beamer and the phones once revealed.

import { fill, h, percent, plural, syncList, t } from "../dom.js";

export function reduce() {
  // Votes never arrive as events (only as tallies, which live.js applies).
}

export function acked(ctx, command, ack) {
  if (command.type !== "vote.cast") return;
  (ctx.live.state.mine[command.activity] ||= {}).choices = ack.result?.choices ?? command.choices;
  ctx.say(t("poll.sent"));
}

// The bars of a poll's results; share = count / voters (with multiple choice the shares add
// up to more than 100 %, as the protocol says of the counts).
export function results() {
  const list = h("ol", { class: "bars" });
  const voters = h("p", { class: "hint" });
  return {
    el: h("div", { class: "results" }, list, voters),
    update(config, results) {
      const counts = new Map(results.options.map((o) => [o.id, o.count]));
      const total = results.voters;
      syncList(list, config.options, (o) => o.id,
        () => h("li", {},
          h("span", { class: "bar-label" }),
          h("span", { class: "bar-value" }),
          h("span", { class: "bar", "aria-hidden": "true" }, h("span", { class: "bar-fill" }))),
        (li, option) => {
          const n = counts.get(option.id) ?? 0;
          const share = total ? n / total : 0;
          const [label, value, bar] = li.children;
          label.textContent = option.label;
          value.textContent = plural("poll.votes", n, { percent: percent(share) });
          bar.firstChild.style.width = `${(share * 100).toFixed(1)}%`;
        });
      voters.textContent = plural("poll.voters", total);
    },
  };
}

const labelsOf = (config, ids) =>
  config.options.filter((o) => ids.includes(o.id)).map((o) => o.label).join(", ");

// -- participant --------------------------------------------------------------------------

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
  } }, h("fieldset", {}, legend, options), submit);
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

// -- presenter ----------------------------------------------------------------------------

export function presenter() {
  const options = h("ol", { class: "poll-options" });
  const waiting = h("p", { class: "note" }, t("poll.results_follow"));
  const bars = results();
  return {
    el: h("div", { class: "stack" }, options, waiting, bars.el),
    update(view) {
      const revealed = view.revealed && view.results;
      options.hidden = waiting.hidden = Boolean(revealed);
      bars.el.hidden = !revealed;
      if (revealed) bars.update(view.config, view.results);
      else syncList(options, view.config.options, (o) => o.id, () => h("li", {}),
        (li, o) => (li.textContent = o.label));
    },
  };
}

// -- moderator ----------------------------------------------------------------------------

// The config of activity.create from the form in templates/moderator/activities/poll.html:
// one option per line.
export function configFrom(data) {
  const options = String(data.get("options") || "").split("\n").map((l) => l.trim()).filter(Boolean);
  return { options, multiple: data.get("multiple") === "on" };
}

export function moderator() {
  const kind = h("p", { class: "hint" });
  const bars = results();
  return {
    el: h("div", { class: "stack" }, kind, bars.el),
    update(view) {
      kind.textContent = view.config.multiple
        ? plural("poll.choose_up_to", view.config.max_choices) : t("poll.choose_one");
      if (view.results) bars.update(view.config, view.results);
    },
  };
}
