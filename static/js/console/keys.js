// The console's keys (shown in the "Keys" dialog on `?`), as a presentation clicker sends them
// (PageDown, PageUp, b) or a moderator types them. The same keys arrive from the beamer's tab
// in this browser (a clicker works on whichever tab has the focus): the beamer posts
// {type: "key", key} on the BroadcastChannel "facilitator:<code>".

export const KEYS = {
  ArrowRight: "next", PageDown: "next", " ": "next",
  ArrowLeft: "back", PageUp: "back",
  r: "reveal", l: "lock", t: "timer", b: "blank", j: "join", d: "theme", "?": "help",
};

// Typing in a field, or on a control that the key itself works (Space presses a button).
function busy(target, key) {
  if (!(target instanceof Element)) return false;
  if (target.closest("input:not([type=checkbox], [type=radio]), textarea, select, [contenteditable]")) return true;
  if (key.startsWith("Arrow") && target.closest("input[type=radio]")) return true; // picks a radio
  return key === " " && Boolean(target.closest("button, summary, a, input, [role=menuitem]"));
}

// actions: {next, back, reveal, lock, timer, blank, join, theme, help}, each a function.
export function keyControls(code, actions) {
  const run = (key, fromBeamer = false) => {
    const name = KEYS[key];
    if (!name || (fromBeamer && name === "help")) return false;
    actions[name]();
    return true;
  };
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (busy(event.target, event.key)) return;
    // A dialog or an open menu has the keys for itself (Escape closes it).
    if (document.querySelector("dialog[open], .menu-panel:not([hidden])")) return;
    if (run(event.key)) event.preventDefault();
  });
  if ("BroadcastChannel" in globalThis) {
    const channel = new BroadcastChannel(`facilitator:${code}`);
    channel.addEventListener("message", (event) => {
      if (event.data?.type === "key" && typeof event.data.key === "string") run(event.data.key, true);
    });
  }
  return { run };
}
