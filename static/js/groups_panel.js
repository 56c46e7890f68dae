// The console's groups: create, rename and delete groups, put people into them (one by one
// or shuffled, balanced), let them choose themselves, and name a spokesperson per group.

import { changed, fill, h, keepFocus, plural, syncList, t } from "./dom.js";
import { groupsOf, sizeOf } from "./groups.js";

const NAME_LIMIT = 60;

// A participant as the moderation sees them: the name, else the public id.
export function personLabel(person) {
  return person.name || t("consent.anonymous", { id: person.id });
}

function whereText(person) {
  if (person.where === "room") return t("where.room");
  if (person.where === "online") return t("where.online");
  return "";
}

export function groupsPanel(live, say) {
  const send = (type, fields) => live.send(type, fields);
  const summary = h("p", { class: "hint", "aria-live": "polite" });

  // Self-selection on the phones.
  const choiceState = h("p", {});
  const choice = h("button", { type: "button", onclick: () =>
    send("groups.choice", { open: !live.state.session.choice }) });

  // Shuffle: everyone, or only those without a group.
  const onlyNew = h("input", { type: "checkbox", id: "shuffle-unassigned" });
  const shuffle = h("form", { class: "stack shuffle", onsubmit: (e) => {
    e.preventDefault();
    send("groups.shuffle", { only_unassigned: onlyNew.checked });
  } },
    h("label", { class: "check" }, onlyNew, t("groups.only_unassigned")),
    h("button", { type: "submit" }, t("groups.shuffle")));

  // A new group.
  const name = h("input", { id: "group-new", maxlength: NAME_LIMIT, autocomplete: "off" });
  const create = h("form", { class: "stack create-group", onsubmit: (e) => {
    e.preventDefault();
    const value = name.value.trim();
    if (!value) return say(t("groups.name_missing"), "error");
    send("group.create", { name: value });
    name.value = "";
  } },
    h("label", { for: name.id }, t("groups.new")),
    h("div", { class: "inline" }, name, h("button", { type: "submit", class: "primary" }, t("groups.create"))));

  const list = h("ul", { class: "group-admin" });
  const people = h("ul", { class: "assign-list" });
  const peopleSummary = h("summary", {});
  const assign = h("details", { class: "assign" }, peopleSummary, people);
  const tools = h("div", { class: "stack" }, choiceState, h("div", { class: "actions" }, choice), shuffle);
  const el = h("div", { class: "stack groups-panel" }, summary, list, create, tools, assign);

  function groupItem() {
    const li = h("li", { class: "group-item" });
    li.show = (group, session, closed) => {
      const members = (session.participants.list || []).filter((p) => p.group === group.id);
      const spokesId = `spokes-${group.id}`;
      const spokes = h("select", { id: spokesId, disabled: closed || !members.length, onchange: () =>
        send("group.spokesperson", { group: group.id, participant: spokes.value || null }) },
        h("option", { value: "" }, t("groups.no_spokesperson")),
        members.map((p) => h("option", { value: p.id }, personLabel(p))));
      spokes.value = group.spokesperson ?? "";
      fill(li,
        h("h3", { class: "group-name" }, group.name),
        h("p", { class: "hint" }, plural("groups.members", sizeOf(group))),
        members.length ? h("ul", { class: "names" }, members.map((p) => h("li", {}, personLabel(p),
          whereText(p) && h("span", { class: "tag" }, whereText(p)),
          group.spokesperson === p.id && h("span", { class: "tag" }, t("groups.spokesperson_tag"))))) : null,
        h("div", { class: "field" }, h("label", { for: spokesId }, t("groups.spokesperson")), spokes),
        !closed && h("div", { class: "actions" },
          h("button", { type: "button", class: "small", onclick: () => li.rename(group) }, t("groups.rename")),
          h("button", { type: "button", class: "small danger", "aria-label": t("groups.delete_named", { name: group.name }),
            onclick: () => send("group.delete", { group: group.id }) }, t("groups.delete"))));
    };
    li.rename = (group) => {
      li.editing = true;
      const id = `group-rename-${group.id}`;
      const input = h("input", { id, maxlength: NAME_LIMIT, value: group.name });
      const done = () => {
        li.editing = false;
        li.signature = null;
        render();
        li.querySelector("button")?.focus();
      };
      fill(li, h("form", { class: "stack", onsubmit: (e) => {
        e.preventDefault();
        const value = input.value.trim();
        if (value && value !== group.name) send("group.rename", { group: group.id, name: value });
        done();
      } }, h("label", { for: id }, t("groups.rename_label")), input,
        h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("idea.save")),
          h("button", { type: "button", onclick: done }, t("common.cancel")))));
      input.focus();
    };
    return li;
  }

  function personItem(person) {
    const id = `assign-${person.id}`;
    const select = h("select", { id, onchange: () =>
      send("group.assign", { participant: person.id, group: select.value || null }) });
    const label = h("label", { for: id });
    const where = h("span", { class: "tag" });
    const li = h("li", { class: "field" }, h("span", { class: "assign-who" }, label, where), select);
    li.show = (p, groups, closed) => {
      label.textContent = personLabel(p);
      where.textContent = whereText(p);
      where.hidden = !where.textContent;
      const wanted = [["", t("groups.no_group")], ...groups.map((g) => [g.id, g.name])];
      const same = select.options.length === wanted.length &&
        wanted.every(([v, text], i) => select.options[i].value === v && select.options[i].text === text);
      if (!same) select.replaceChildren(...wanted.map(([v, text]) => h("option", { value: v }, text)));
      // A change on its way shows as made (the event follows within moments).
      const pending = live.pending("group.assign").filter((c) => c.participant === p.id).pop();
      select.value = (pending ? pending.group : p.group) ?? "";
      select.disabled = closed;
    };
    return li;
  }

  function render() {
    const session = live.state?.session;
    if (!session) return;
    const closed = ["closed", "deleted"].includes(session.status);
    const groups = groupsOf(session);
    const everyone = session.participants.list || [];
    const assigned = everyone.filter((p) => p.group).length;
    summary.textContent = [plural("groups.count", groups.length),
      everyone.length && t("groups.assigned", { n: assigned, total: everyone.length })].filter(Boolean).join(" · ");
    choiceState.textContent = t(session.choice ? "groups.choice_open" : "groups.choice_closed");
    choice.textContent = t(session.choice ? "groups.close_choice" : "groups.open_choice");
    choice.setAttribute("aria-pressed", String(Boolean(session.choice)));
    choice.hidden = closed;
    create.hidden = closed;
    shuffle.hidden = closed || !groups.length || !everyone.length;
    tools.hidden = closed || !groups.length;
    const context = [everyone.map((p) => [p.id, p.name, p.group, p.where]), closed];
    keepFocus(list, () => syncList(list, groups, (g) => g.id, groupItem, (li, g) => {
      if (!li.editing && changed(li, g, context)) li.show(g, session, closed);
    }));
    peopleSummary.textContent = plural("groups.assign_people", everyone.length);
    assign.hidden = !groups.length || !everyone.length;
    syncList(people, everyone, (p) => p.id, personItem, (li, p) => li.show(p, groups, closed));
  }

  return { el, update: render };
}
