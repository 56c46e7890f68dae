// The one WebSocket of a page (docs/protocol.md): keeps the session state this audience may
// see, reconnects on its own, and makes sure every command reaches the server exactly once.
//
//   const live = new Live({path: "/ws/K7MXR4", code: "K7MXR4", role: "participant"});
//   live.on("state", render).on("ack", (command, ack) => ...).start();
//   live.send("idea.add", {activity: "a2", text: "Tempo 30"});

import { applyEvent, applyTally } from "./reduce.js";

export { findActivity } from "./reduce.js";

const BACKOFF_FIRST = 500;
const BACKOFF_MAX = 10000;
const QUIET_BEFORE_PING = 25000; // a phone network drops idle connections silently
const PONG_WAIT = 10000;
const PROBE_AFTER = 5000;
const BUSY_RETRY = 2000;
const OUTBOX_LIMIT = 100;
// 4409: this credential opened more connections elsewhere; reconnecting would push those out.
const FATAL_CLOSES = new Set([4401, 4403, 4404, 4409]);

export function newId() {
  // randomUUID exists only in secure contexts; a workshop server on plain http in the LAN
  // still gets unguessable ids from getRandomValues.
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Live {
  constructor({ path, code, role, token = null }) {
    this.path = path;
    this.token = token;
    this.storageKey = `facilitator:outbox:${code}:${role}`;
    this.outbox = this.load();
    this.state = null; // {role, session, you, mine}
    this.seq = 0;
    this.eventSeq = 0; // the last event applied: older tallies are stale
    this.offset = 0; // server clock minus this device's clock, in ms (from hello.now)
    this.attempt = 0;
    this.ws = null;
    this.ready = false; // true once this connection's hello arrived
    this.handlers = {};
    this.stopped = false;
  }

  on(name, fn) {
    (this.handlers[name] ||= []).push(fn);
    return this;
  }

  emit(name, ...args) {
    for (const fn of this.handlers[name] || []) fn(...args);
  }

  start() {
    const wake = () => {
      const state = this.ws?.readyState;
      if (this.stopped || state === WebSocket.CONNECTING) return;
      if (state === WebSocket.OPEN) this.ping();
      else this.reconnectNow();
    };
    addEventListener("online", wake);
    addEventListener("pageshow", wake);
    addEventListener("offline", () => this.setStatus("offline"));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") wake();
    });
    setInterval(() => this.watch(), 5000);
    this.connect();
    return this;
  }

  // -- commands -------------------------------------------------------------------------

  // Queues a command; it stays in the outbox (and in localStorage) until its ack or error
  // arrives, and is sent again with the same id after every reconnect.
  send(type, fields = {}) {
    const command = { type, id: newId(), ...fields };
    this.outbox.push(command);
    if (this.outbox.length > OUTBOX_LIMIT) this.outbox.shift();
    this.save();
    if (this.ready) {
      this.raw(command);
      // After a quiet spell the socket may be dead without knowing it (a phone that slept):
      // probe now, so that watch() reconnects and resends within seconds, not minutes.
      if (!this.pingSent && Date.now() - this.lastHeard > PROBE_AFTER) this.ping();
    }
    this.emit("state");
    return command.id;
  }

  pending(type) {
    return this.outbox.filter((c) => c.type === type);
  }

  raw(message) {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(message));
  }

  load() {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey)) || [];
    } catch {
      return [];
    }
  }

  save() {
    try {
      if (this.outbox.length) localStorage.setItem(this.storageKey, JSON.stringify(this.outbox));
      else localStorage.removeItem(this.storageKey);
    } catch {
      // Private mode or a full storage: the outbox still lives in memory.
    }
  }

  // -- connection -----------------------------------------------------------------------

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams();
    if (this.token) params.set("token", this.token);
    // Holding a state already: ask for what was missed instead of the whole state again.
    if (this.state) params.set("resume", String(this.seq));
    const query = params.toString();
    return `${scheme}//${location.host}${this.path}${query ? `?${query}` : ""}`;
  }

  connect() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.setStatus(this.state ? "reconnecting" : "connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    this.ready = false;
    this.lastHeard = Date.now();
    this.pingSent = 0;
    ws.onmessage = (e) => {
      if (ws === this.ws) this.receive(e.data);
    };
    ws.onclose = (e) => {
      if (ws === this.ws) this.dropped(e.code);
    };
  }

  dropped(code) {
    this.ws = null;
    this.ready = false;
    if (FATAL_CLOSES.has(code)) {
      this.stopped = true;
      this.setStatus("offline");
      this.emit("fatal", code);
      return;
    }
    this.setStatus(navigator.onLine === false ? "offline" : "reconnecting");
    const delay = Math.min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** this.attempt);
    this.attempt += 1;
    // Jitter spreads the reconnects of a whole room after a Wi-Fi hiccup.
    this.timer = setTimeout(() => this.connect(), delay * (0.5 + Math.random() / 2));
  }

  reconnectNow() {
    this.attempt = 0;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
    this.connect();
  }

  ping() {
    this.pingSent = Date.now();
    this.raw({ type: "ping", id: "keepalive" });
  }

  // A connection can die without a close event (phone asleep, Wi-Fi gone): probe it when it
  // is quiet, and give it up when the probe stays unanswered.
  watch() {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (this.pingSent && now - this.pingSent > PONG_WAIT) this.reconnectNow();
    else if (!this.pingSent && now - this.lastHeard > QUIET_BEFORE_PING) this.ping();
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    this.emit("status", status);
  }

  // -- messages -------------------------------------------------------------------------

  receive(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    this.lastHeard = Date.now();
    this.pingSent = 0;
    if (this.ready) this.setStatus("connected");
    if (msg.type === "hello") this.hello(msg);
    else if (msg.type === "event") this.event(msg);
    else if (msg.type === "tally") this.tally(msg);
    else if (msg.type === "ack" || msg.type === "error") this.answer(msg);
    else if (msg.type === "notice") this.emit("notice", msg);
    else if (msg.type === "mine") this.mine(msg);
    else if (msg.type === "you" && this.state) {
      this.state.you = msg.you;
      this.emit("state");
    }
  }

  // The moderation changed something of this participant's own (an idea's text, its
  // approval, a merge): what it contributed to that activity, anew.
  mine(msg) {
    if (!this.state) return;
    if (msg.mine == null) delete this.state.mine[msg.activity];
    else this.state.mine[msg.activity] = msg.mine;
    this.emit("state");
  }

  // The server's time now: a countdown to an ends_at of the server must not trust the
  // phone's clock, which can be minutes off.
  now() {
    return Date.now() + this.offset;
  }

  // A resumed hello keeps the state held and the missed events follow it; any other hello is
  // the complete state and replaces it. The server also sends a complete hello on an open
  // connection when what this audience may see changed as a whole (a participant moved to
  // another group sees other instances of per-group activities): "hello" tells the page.
  hello(msg) {
    const before = this.state?.you ?? null;
    const serverNow = Date.parse(msg.now);
    if (Number.isFinite(serverNow)) this.offset = serverNow - Date.now();
    if (msg.resumed && this.state && (msg.you?.group ?? null) !== (this.state.you?.group ?? null)) {
      // Moved to another group while away: the events that follow are the new group's, but
      // the state held is the old group's. Start over with a complete hello instead.
      this.state = null;
      this.reconnectNow();
      return;
    }
    if (msg.resumed && this.state) {
      this.state.you = msg.you ?? null;
      this.state.mine = msg.mine ?? {};
    } else {
      this.state = { role: msg.role, session: msg.session, you: msg.you ?? null, mine: msg.mine ?? {} };
      this.seq = msg.seq;
      this.eventSeq = msg.seq;
    }
    if (!this.ready) {
      this.ready = true;
      this.attempt = 0;
      this.setStatus("connected");
      for (const command of this.outbox) this.raw(command);
    }
    this.emit("hello", before, this.state.you);
    this.emit("state");
  }

  event(msg) {
    if (!this.state || msg.seq <= this.seq) return;
    this.seq = msg.seq;
    this.eventSeq = msg.seq;
    applyEvent(this.state, msg.event, msg.data, msg.at);
    this.emit("event", msg);
    this.emit("state");
  }

  tally(msg) {
    if (!this.state || msg.seq < this.eventSeq || !applyTally(this.state, msg)) return;
    this.seq = Math.max(this.seq, msg.seq);
    this.emit("state");
  }

  answer(msg) {
    const index = this.outbox.findIndex((c) => c.id === msg.id);
    const command = index >= 0 ? this.outbox[index] : null;
    if (msg.type === "error" && msg.code === "busy" && command) {
      setTimeout(() => this.raw(command), BUSY_RETRY * (0.5 + Math.random()));
      return;
    }
    if (index >= 0) {
      this.outbox.splice(index, 1);
      this.save();
    }
    if (msg.type === "ack") this.emit("ack", command, msg);
    else if (msg.id === null || msg.id === undefined) console.warn("facilitator:", msg.code, msg.message);
    else this.emit("error", command, msg);
    this.emit("state");
  }
}
