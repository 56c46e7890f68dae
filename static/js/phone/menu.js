// The phone's menu: a disclosure button in the status line and a panel that opens over the
// task (nothing moves). Escape or a tap outside closes it; the focus goes back to the button.

export function menu(button, panel) {
  const set = (open) => {
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
  };
  button.addEventListener("click", () => set(panel.hidden));
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || panel.hidden) return;
    set(false);
    button.focus();
  });
  document.addEventListener("click", (e) => {
    if (!panel.hidden && e.target.isConnected && !panel.contains(e.target) && !button.contains(e.target)) set(false);
  });
  return { close: () => set(false) };
}
