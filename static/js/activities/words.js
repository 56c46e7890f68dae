// Words: each phone sends one to three words; the result is a word cloud (font size by how
// many said it). The moderator can hide a word from beamer and phones.

import { cloud } from "../charts.js";
import { h, plural, syncList, t } from "../dom.js";

const WORD_LIMIT = 40;

export function reduce() {
  // Words arrive only as tallies; hiding a word changes the results the tally carries.
}

export function acked(ctx, command, ack) {
  if (command.type !== "words.submit") return;
  ctx.live.state.mine[command.activity] = { words: ack.result?.words ?? command.words };
  ctx.say(t(command.words.length ? "words.sent" : "words.withdrawn"));
}

// The form in which the server counts a word (NFC, trimmed, casefolded); hide and restore
// name a word by it. toLowerCase plus ß → ss is what casefold does for German and English.
export function normalise(word) {
  return word.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase().replace(/ß/g, "ss");
}

export function results({ all = false } = {}) {
  const words = cloud();
  const voters = h("p", { class: "hint", "aria-live": "polite" });
  const empty = h("p", { class: "note" }, t("words.none_yet"));
  return {
    el: h("div", { class: "results" }, words.el, empty, voters),
    update(view) {
      const list = (view.results.words || []).filter((w) => all || !w.hidden);
      words.update(list);
      empty.hidden = list.length > 0;
      voters.textContent = plural("words.voters", view.results.voters);
    },
  };
}

// -- participant --------------------------------------------------------------------------

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
  } }, h("fieldset", {}, legend, fields), submit);
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
              autocapitalize: "sentences", enterkeyhint: i === max - 1 ? "send" : "next" }));
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

// -- presenter ----------------------------------------------------------------------------

export function presenter() {
  const waiting = h("p", { class: "note" }, t("poll.results_follow"));
  const chart = results();
  return {
    el: h("div", { class: "stack" }, waiting, chart.el),
    update(view) {
      const revealed = Boolean(view.revealed && view.results);
      waiting.hidden = revealed;
      chart.el.hidden = !revealed;
      if (revealed) chart.update(view);
    },
  };
}

// -- moderator ----------------------------------------------------------------------------

export function configFrom(data) {
  return { max_words: Number(data.get("max_words")) || 3 };
}

export function moderator(ctx) {
  let activity = null;
  const chart = results({ all: true });
  const list = h("ul", { class: "idea-admin word-admin" });
  const heading = h("h4", {}, t("words.manage"));
  return {
    el: h("div", { class: "stack" }, chart.el, heading, list),
    update(view) {
      activity = view;
      chart.el.hidden = !view.results;
      if (!view.results) return;
      chart.update(view);
      const words = view.results.words || [];
      heading.hidden = !words.length;
      syncList(list, words, (w) => w.word, () => {
        const li = h("li", {}, h("span", { class: "idea-text" }), h("span", { class: "hint" }), h("button", { type: "button" }));
        li.lastChild.addEventListener("click", () => ctx.live.send(li.lastChild.dataset.command,
          { activity: activity.id, word: li.lastChild.dataset.word }));
        return li;
      }, (li, w) => {
        const [word, count, button] = li.children;
        word.textContent = w.word;
        count.textContent = ` · ${plural("words.times", w.count)}${w.hidden ? ` · ${t("idea.hidden")}` : ""}`;
        li.classList.toggle("muted", Boolean(w.hidden));
        button.dataset.command = w.hidden ? "words.restore" : "words.hide";
        button.dataset.word = normalise(w.word);
        button.textContent = t(w.hidden ? "idea.restore" : "idea.hide");
        button.setAttribute("aria-label", t(w.hidden ? "words.restore" : "words.hide", { word: w.word }));
        button.hidden = ctx.closed();
      });
    },
  };
}
