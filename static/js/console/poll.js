// The console's side of poll (static/js/activities/poll.js has what the audiences share).

import { results } from "../activities/poll.js";
import { h, plural, t } from "../dom.js";

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
