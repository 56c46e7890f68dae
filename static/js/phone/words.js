// The phone's side of words (static/js/activities/words.js has what the audiences share).

import { WORD_LIMIT, results } from "../activities/words.js";
import { h, plural, t } from "../dom.js";
import { sendBar } from "./parts.js";

export function acked(ctx, command, ack) {
  if (command.type !== "words.submit") return;
  ctx.live.state.mine[command.activity] = { words: ack.result?.words ?? command.words };
  ctx.say(t(command.words.length ? "words.sent" : "words.withdrawn"));
}



export function participant(ctx) {
  let activity = null;
  let shown = null; // the words the inputs were last set to
  const fields = h("div", { class: "stack" });
  const submit = h("button", { type: "submit", class: "primary" });
  const legend = h("legend", {});
  const form = h("form", { class: "stack", onsubmit: (e) => {
    e.preventDefault();
    const words = [...fields.querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean);
    if (!words.length) return ctx.say(t("words.empty"), "error");
    if (words.some((w) => /\s/.test(w))) return ctx.say(t("words.one_per_field"), "error");
    ctx.live.send("words.submit", { activity: activity.id, words });
    ctx.say(t("poll.sending"));
  } }, h("fieldset", {}, legend, fields), sendBar(submit));
  const chosen = h("p", { class: "chosen" });
  const withdraw = h("button", { type: "button", onclick: () =>
    ctx.live.send("words.submit", { activity: activity.id, words: [] }) }, t("words.withdraw"));
  const closed = h("p", { class: "note" }, t("activity.closed"));
  const heading = h("h3", {}, t("words.cloud"));
  const chart = results();
  const el = h("div", { class: "stack" }, form, chosen, withdraw, closed, heading, chart.el);

  return {
    el,
    update(view) {
      const max = view.config.max_words;
      if (activity?.id !== view.id) {
        fields.replaceChildren(...Array.from({ length: max }, (_, i) => {
          const id = `word-${view.id}-${i + 1}`;
          return h("div", { class: "field" },
            h("label", { for: id }, max === 1 ? t("words.your_word") : t("words.word_n", { n: i + 1 })),
            h("input", { id, name: "word", maxlength: WORD_LIMIT, autocomplete: "off",
              autocapitalize: "sentences", inputmode: "text", spellcheck: "true", enterkeyhint: i === max - 1 ? "send" : "next" }));
        }));
        shown = null;
      }
      activity = view;
      legend.textContent = plural("words.legend", max);
      const pending = ctx.live.pending("words.submit").filter((c) => c.activity === view.id).pop();
      const mine = pending?.words ?? ctx.live.state.mine[view.id]?.words ?? [];
      const key = mine.join("\n");
      if (key !== shown) {
        fields.querySelectorAll("input").forEach((input, i) => { input.value = mine[i] ?? ""; });
        shown = key;
      }
      const open = view.status === "active";
      for (const input of fields.querySelectorAll("input")) input.disabled = !open;
      submit.hidden = !open;
      submit.textContent = t(mine.length ? "words.change" : "words.send");
      chosen.hidden = !mine.length;
      chosen.textContent = mine.length ? t("words.yours", { words: mine.join(", ") }) : "";
      withdraw.hidden = !open || !mine.length;
      closed.hidden = open;
      const revealed = view.revealed && view.results;
      heading.hidden = chart.el.hidden = !revealed;
      if (revealed) chart.update(view);
    },
  };
}
