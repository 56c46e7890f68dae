// The console's part of the items of dots, ranking, scale and matrix: their create forms
// (typed lines or a source), and the card until results come (activities/items.js reads them).

import { itemsOf } from "../activities/items.js";
import { h, t } from "../dom.js";

// For a draft whose items come from another activity: "from: Ideas (all)".
export function sourceText(view, session) {
  const source = view.config?.items;
  if (!source || Array.isArray(source) || Array.isArray(view.items)) return "";
  const from = session?.activities.find((a) => a.id === source.from);
  const take = String(source.take || "all");
  let which = t("items.take_all");
  if (take.startsWith("top:")) which = t("items.take_top_n", { n: take.slice(4) });
  else if (take.startsWith("cluster:")) {
    const id = take.slice(8);
    which = t("items.take_cluster", { name: from?.clusters?.find((c) => c.id === id)?.name ?? id });
  }
  return t("items.from_source", { title: from?.title ?? source.from, which });
}

// The config's `items` from a create form (templates/moderator/activities/_fields.html).
export function itemsFromForm(data) {
  const from = String(data.get("items_from") || "");
  if (!from) return lines(data.get("items"));
  let take = String(data.get("items_take") || "all");
  if (take === "top") take = `top:${Number(data.get("items_top")) || 5}`;
  return { from, take };
}

export function lines(text) {
  return String(text || "").split("\n").map((l) => l.trim()).filter(Boolean);
}

// Keeps the source selects of every create form in step with the session: the earlier
// activities to take items from, and for an ideas activity its clusters.
// Kinds whose activities can give items (consent, words and qa cannot).
const SOURCE_KINDS = new Set(["ideas", "poll", "dots", "ranking", "scale", "matrix"]);

// exclude: the activity being edited (it cannot take its items from itself).
export function syncSourceFields(root, session, exclude = null) {
  const sources = session.activities.filter((a) => SOURCE_KINDS.has(a.kind) && a.id !== exclude);
  for (const fieldset of root.querySelectorAll(".items-fields")) {
    const from = fieldset.querySelector("[data-items-from]");
    const take = fieldset.querySelector("[data-items-take]");
    const chosen = from.value;
    const wanted = [["", t("items.typed")],
      ...sources.map((a) => [a.id, t("items.source_option", { title: a.title, kind: kindLabel(a.kind) })])];
    syncOptions(from, wanted);
    from.value = wanted.some(([v]) => v === chosen) ? chosen : "";
    const source = sources.find((a) => a.id === from.value);
    const takes = [["all", t("items.take_all")], ["top", t("items.take_top")],
      ...(source?.clusters || []).map((c) => [`cluster:${c.id}`, t("items.take_cluster", { name: c.name })])];
    const taken = take.value;
    syncOptions(take, takes);
    take.value = takes.some(([v]) => v === taken) ? taken : "all";
    showSourceParts(fieldset);
  }
}

export function showSourceParts(fieldset) {
  const typed = !fieldset.querySelector("[data-items-from]").value;
  fieldset.querySelector("[data-items-lines]").hidden = !typed;
  fieldset.querySelector("[data-items-lines] textarea").required = typed;
  fieldset.querySelector("[data-items-source]").hidden = typed;
  fieldset.querySelector("[data-items-top]").hidden =
    typed || fieldset.querySelector("[data-items-take]").value !== "top";
}

function syncOptions(select, wanted) {
  const same = select.options.length === wanted.length &&
    wanted.every(([value, text], i) => select.options[i].value === value && select.options[i].text === text);
  if (same) return;
  select.replaceChildren(...wanted.map(([value, text]) => h("option", { value }, text)));
}

// The kinds by their names, for the source select (the labels are the kinds' own).
const KIND_LABELS = {
  ideas: () => t("kind.ideas"), poll: () => t("kind.poll"), dots: () => t("kind.dots"),
  ranking: () => t("kind.ranking"), scale: () => t("kind.scale"), matrix: () => t("kind.matrix"),
  consent: () => t("kind.consent"), words: () => t("kind.words"), qa: () => t("kind.qa"),
  measure: () => t("kind.measure"), slides: () => t("kind.slides"),
};

export const kindLabel = (kind) => KIND_LABELS[kind]?.() ?? kind;

// The items as a plain numbered list (the beamer before results are shown; a draft).
export function itemList(className = "poll-options") {
  const list = h("ol", { class: className });
  return {
    el: list,
    update(items) {
      list.replaceChildren(...items.map((item) => h("li", {}, item.label)));
    },
  };
}

// What the console shows of an activity's items: the list, or where they will come from.
export function itemsSummary(ctx) {
  const source = h("p", { class: "hint" });
  const list = itemList("item-list");
  return {
    el: h("div", {}, source, list.el),
    update(view) {
      source.textContent = sourceText(view, ctx.live.state.session);
      source.hidden = !source.textContent;
      list.update(itemsOf(view));
    },
  };
}

// The console: the rules, and the items (or where they will come from) until there are
// results of frozen items, then the results.
export function itemsModerator(ctx, { rules, results }) {
  const how = h("p", { class: "hint" });
  const summary = itemsSummary(ctx);
  return {
    el: h("div", { class: "stack" }, how, summary.el, results.el),
    update(view) {
      how.textContent = rules(view);
      const counted = Boolean(view.results && Array.isArray(view.items));
      summary.el.hidden = counted;
      results.el.hidden = !counted;
      if (counted) results.update(view);
      else summary.update(view);
    },
  };
}
