// The console's side of slides (static/js/activities/slides.js has what the audiences share):
// upload the PDF (progress, and the server's refusal next to the control), the deck as a strip
// of thumbnails with the page on the beamer marked, and previous/next. "Weiter" and the keys
// (→, PageDown, a clicker) step through the pages while the slides are current
// (console/cockpit.js). A new deck "for a phase" comes from the create form, or from the
// agenda's button of the phase, as a slides activity at the start of that phase.

import { $, announce, h, json, t } from "../dom.js";
import { mediaUrl, upload } from "../media.js";

const config = json("config"); // {code, ws, token}
const base = () => `/moderate/${encodeURIComponent(config.code)}/${encodeURIComponent(config.token)}`;

export function configFrom() {
  return {};
}

// A file input with its button, progress and the server's answer next to them; send(file,
// onProgress) does the upload and resolves with what to say.
function uploader(id, labelText, buttonText, send) {
  const input = h("input", { type: "file", id, name: "file", accept: "application/pdf,.pdf", required: true });
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": t("upload.progress") });
  const feedback = h("p", { class: "upload-feedback", "aria-live": "polite", "aria-atomic": "true" });
  const button = h("button", { type: "submit" }, buttonText);
  const form = h("form", { class: "stack slides-upload", onsubmit: async (e) => {
    e.preventDefault();
    const file = input.files?.[0];
    if (!file) return announce(feedback, t("slides.choose_file"), "error");
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    announce(feedback, t("slides.uploading"));
    try {
      const said = await send(file, (share) => {
        progress.value = Math.round(share * 100);
        // Sent: the server renders the pages now (a big deck takes a while).
        if (share >= 1) announce(feedback, t("slides.rendering"));
      });
      announce(feedback, said);
      form.reset();
    } catch (error) {
      announce(feedback, error.message, "error");
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  } }, h("label", { for: id }, labelText), h("div", { class: "inline" }, input, button), progress, feedback);
  return form;
}

const uploaded = (answer) => t("slides.uploaded", { pages: answer.pages });

export function uploadSlides(fields, file, onProgress) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  data.append("file", file);
  return upload(`${base()}/slides`, data, onProgress);
}

let counter = 0;

export function moderator(ctx) {
  let activity = null;
  const n = ++counter;
  const info = h("p", { class: "hint slides-info" });
  const previous = h("button", { type: "button", onclick: () => step(-1) }, t("slides.previous"));
  const next = h("button", { type: "button", class: "primary", onclick: () => step(1) }, t("slides.next"));
  const where = h("p", { class: "slides-where", "aria-live": "polite" });
  const buttons = h("div", { class: "actions slides-buttons" }, previous, next, where);
  const strip = h("ol", { class: "slides-strip", "aria-label": t("slides.pages") });
  const form = uploader(`slides-file-${n}`, t("slides.file"), t("slides.upload"),
    async (file, onProgress) => uploaded(await uploadSlides({ activity: activity.id }, file, onProgress)));
  const el = h("div", { class: "stack slides-console" }, info, buttons, strip, form);
  let stripKey = "";

  const canShow = () => ["active", "locked"].includes(activity?.status) && !ctx.closed();
  function show(page) {
    if (canShow()) ctx.live.send("slides.show", { activity: activity.id, page });
  }
  function step(by) {
    const pages = activity?.deck?.pages.length ?? 0;
    const page = (activity.page || 1) + by;
    if (page >= 1 && page <= pages) show(page);
  }

  return {
    el,
    update(view) {
      activity = view;
      const deck = view.deck;
      const pages = deck?.pages.length ?? 0;
      info.textContent = deck ? t("slides.deck", { name: deck.name, pages }) : t("slides.no_deck");
      buttons.hidden = !deck;
      previous.disabled = !canShow() || view.page <= 1;
      next.disabled = !canShow() || view.page >= pages;
      where.textContent = deck ? t("slides.page_of", { page: view.page, pages }) : "";
      form.hidden = ctx.closed();
      form.querySelector("button[type=submit]").textContent = deck ? t("slides.replace") : t("slides.upload");
      const key = JSON.stringify([deck?.pdf.blob, canShow()]);
      if (key !== stripKey) {
        stripKey = key;
        strip.replaceChildren(...(deck?.pages || []).map((page, i) => h("li", {},
          h("button", { type: "button", class: "slide-thumb", disabled: !canShow(),
            "aria-label": t("slides.show_page", { page: i + 1 }), onclick: () => show(i + 1) },
          h("img", { src: mediaUrl(config.code, page.thumb), alt: "", loading: "lazy",
            width: page.width, height: page.height }),
          h("span", { class: "slide-thumb-number", "aria-hidden": "true" }, String(i + 1))))));
      }
      strip.hidden = !deck;
      [...strip.children].forEach((li, i) => {
        const current = i + 1 === view.page;
        li.classList.toggle("current", current);
        if (current) li.firstChild.setAttribute("aria-current", "true");
        else li.firstChild.removeAttribute("aria-current");
      });
      // The page shown comes into view in the strip (the strip scrolls, not the page).
      const current = strip.children[view.page - 1];
      if (current && !strip.hidden) {
        const left = current.offsetLeft - strip.offsetLeft;
        if (left < strip.scrollLeft || left + current.offsetWidth > strip.scrollLeft + strip.clientWidth) {
          strip.scrollLeft = left - (strip.clientWidth - current.offsetWidth) / 2;
        }
      }
    },
  };
}

// -- a new slides activity from the create form, or for a phase from the agenda ----------------

// The create form (templates/moderator/activities/slides.html): with a phase, the server makes
// the activity at the start of that phase; without one, it is made here first, at the end.
export function submitCreate(form, { live, say }) {
  const file = form.querySelector("input[type=file]").files?.[0];
  const feedback = form.querySelector(".upload-feedback");
  const progress = form.querySelector("progress");
  const button = form.querySelector("button[type=submit]");
  if (!file) return announce(feedback, t("slides.choose_file"), "error");
  const phase = form.querySelector("select[name=phase]")?.value;
  const onProgress = (share) => {
    progress.value = Math.round(share * 100);
    if (share >= 1) announce(feedback, t("slides.rendering"));
  };
  const title = file.name.replace(/\.pdf$/i, "").trim() || t("kind.slides");
  button.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  announce(feedback, t("slides.uploading"));
  const created = phase ? Promise.resolve({ phase })
    : sendAndWait(live, "activity.create", { kind: "slides", title, config: {} })
      .then((ack) => ({ activity: ack.result.activity }));
  created.then((fields) => uploadSlides(fields, file, onProgress))
    .then((answer) => {
      announce(feedback, uploaded(answer));
      say(uploaded(answer));
      form.reset();
      delete form.querySelector("select[name=phase]")?.dataset.key;
    })
    .catch((error) => announce(feedback, error.message, "error"))
    .finally(() => {
      button.disabled = false;
      progress.hidden = true;
    });
}

const waiting = new Map(); // command id -> {resolve, reject}
let listening = null;

function sendAndWait(live, type, fields) {
  if (listening !== live) {
    listening = live;
    live.on("ack", (command, ack) => waiting.get(command?.id)?.resolve(ack))
      .on("error", (command, error) => waiting.get(command?.id)?.reject(new Error(error.message)));
  }
  return new Promise((resolve, reject) => {
    const id = live.send(type, fields);
    waiting.set(id, { resolve: (ack) => { waiting.delete(id); resolve(ack); },
      reject: (error) => { waiting.delete(id); reject(error); } });
  });
}

// The agenda's button of a phase: the create form of slides, with that phase chosen.
export function phaseButton(phase) {
  return h("button", { type: "button", class: "small", "data-focus": `${phase.id}:slides`,
    onclick: () => {
      const select = $("#new-kind");
      select.value = "slides";
      select.dispatchEvent(new Event("change"));
      const form = $("form.create[data-kind=slides]");
      const phases = form.querySelector("select[name=phase]");
      if (phases) phases.value = phase.id;
      form.scrollIntoView({ block: "nearest" });
      form.querySelector("input[type=file]").focus();
    } }, t("slides.for_phase"), h("span", { class: "visually-hidden" }, t("editor.named", { title: phase.title })));
}
