// Small DOM helpers shared by the pages. Every text goes into the page as a text node
// (append/textContent), never as markup, so nothing a participant types can become HTML.

export const $ = (selector, root = document) => root.querySelector(selector);

// h("button", {class: "primary", onclick: fn}, "Text", child, ...)
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return el;
}

// Replaces el's children; null, false and "" leave no trace (replaceChildren would print them).
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false && c !== ""));
  return el;
}

// Reads a <script type="application/json" id=...> block rendered by the server.
export function json(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : {};
}

const STRINGS = json("strings");
const LANG = document.documentElement.lang || "de";
const NUMBER = new Intl.NumberFormat(LANG);
const PERCENT = new Intl.NumberFormat(LANG, { style: "percent", maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat(LANG, { maximumFractionDigits: 1 });

// A translated text from strings.py, with {placeholders} filled in.
export function t(key, params = {}) {
  let text = STRINGS[key] ?? key;
  for (const [name, value] of Object.entries(params)) {
    text = text.replaceAll(`{${name}}`, String(value));
  }
  return text;
}

// "1 participant" / "12 participants": strings.py has KEY.one and KEY.other (German and
// English need no more forms).
export function plural(key, n, params = {}) {
  return t(`${key}.${n === 1 ? "one" : "other"}`, { n: NUMBER.format(n), ...params });
}

export const percent = (share) => PERCENT.format(share);

// A mean or a spread as people read it: 3,5 in German, 3.5 in English; "–" for none.
export const decimal = (x) => (x == null ? "–" : DECIMAL.format(x));

// A text only screen readers get (numbers behind a chart, for instance).
export const srOnly = (text) => h("span", { class: "visually-hidden" }, text);

// Keeps parent's children in the order of items, reusing the element of each key, so that
// a live update does not throw away focus, an open editor or what someone is typing.
export function syncList(parent, items, key, create, update) {
  const old = new Map();
  for (const el of parent.children) old.set(el.dataset.key, el);
  let previous = null;
  for (const item of items) {
    const k = String(key(item));
    let el = old.get(k);
    if (el) old.delete(k);
    else {
      el = create(item);
      el.dataset.key = k;
    }
    if (update) update(el, item);
    const next = previous ? previous.nextElementSibling : parent.firstElementChild;
    if (el !== next) parent.insertBefore(el, next);
    previous = el;
  }
  for (const el of old.values()) el.remove();
}

// Shows a message in an aria-live region; a new message replaces the old one. The region
// stays in the page while empty (CSS collapses it): screen readers miss regions that appear.
export function announce(region, text, kind = "info") {
  if (!region) return;
  region.textContent = text;
  region.dataset.kind = kind;
}

// Runs fn at most once per animation frame, however many messages arrive in between.
export function batched(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

// Runs fn (which may rebuild the children of root's keyed items) and puts the focus back on
// the same control of the same item, so that live updates do not throw a keyboard user out.
export function keepFocus(root, fn) {
  const active = document.activeElement;
  const holder = active && root.contains(active) ? active.closest("[data-key]") : null;
  const controls = (el) => [...el.querySelectorAll("button, input, select, textarea, summary")];
  const index = holder ? controls(holder).indexOf(active) : -1;
  const key = holder?.dataset.key;
  fn();
  if (key == null || active.isConnected) return;
  const again = [...root.querySelectorAll("[data-key]")].find((el) => el.dataset.key === key);
  if (again) (controls(again)[index] || controls(again)[0])?.focus();
}

// Calls render only when what it depends on changed (a tally that changes nothing visible
// must not rebuild a row under the moderator's pointer).
export function changed(el, ...parts) {
  const signature = JSON.stringify(parts);
  if (el.signature === signature) return false;
  el.signature = signature;
  return true;
}
