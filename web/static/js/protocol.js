// The websocket side of bugout: one socket to /gateway, Identify with a clientId kept in
// localStorage, reconnection with exponential backoff, request ids and event dispatch.
// Nothing here knows about the page; app.js listens to events and connection states.

const CLIENT_ID_KEY = "bugout.clientId";
const KEEPALIVE_MS = 30000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;

/** The protocol extensions this page speaks, named by the server in the page (app/dialect.py):
 * a client that declares none is treated as the original BUGOUT client. */
const PROTOCOL = JSON.parse(document.getElementById("bugout-protocol").textContent);
const EXTENSIONS = PROTOCOL.extensions;

/** IdleStatusProvided's statuses (``{idle, booting, online}``), named by the server (app/events.py). */
export const STATUS = PROTOCOL.statuses;

/** A random (version 4) UUID; crypto.randomUUID exists only in secure contexts. */
export function uuid4() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** This browser's secret identity: made once, then kept. */
export function clientId() {
  let id = null;
  try {
    id = localStorage.getItem(CLIENT_ID_KEY);
  } catch (_) {
    /* storage blocked: a fresh id per page load */
  }
  if (!id || !UUID_RE.test(id)) {
    id = uuid4();
    try {
      localStorage.setItem(CLIENT_ID_KEY, id);
    } catch (_) {
      /* ignore */
    }
  }
  return id;
}

export function newRequestId() {
  return uuid4();
}

/**
 * States: "connecting" (first try), "online" (identified), "reconnecting" (lost, retrying).
 * Listeners: on(type, fn) for server events ("*" for all), onState(fn) for states.
 */
export class Connection {
  constructor(url) {
    this.url = url || Connection.defaultUrl();
    this.clientId = clientId();
    this.ws = null;
    this.state = "connecting";
    this.attempt = 0;
    this.retryTimer = null;
    this.keepaliveTimer = null;
    this.nextRetryAt = null;
    this.handlers = new Map();
    this.stateListeners = [];
    this.everOnline = false;
    window.addEventListener("online", () => this.retryNow());
  }

  static defaultUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/gateway`;
  }

  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, []);
    this.handlers.get(type).push(fn);
    return this;
  }

  onState(fn) {
    this.stateListeners.push(fn);
  }

  setState(state) {
    this.state = state;
    for (const fn of this.stateListeners) fn(state, this);
  }

  get online() {
    return this.state === "online" && this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  start() {
    this.open();
  }

  open() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.nextRetryAt = null;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (_) {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      ws.send(JSON.stringify({ type: "Identify", clientId: this.clientId, extensions: EXTENSIONS }));
    });
    ws.addEventListener("message", (message) => {
      if (this.ws !== ws) return;
      let event;
      try {
        event = JSON.parse(message.data);
      } catch (_) {
        return;
      }
      if (!event || typeof event.type !== "string") return;
      if (event.type === "IdentityAcknowledged") {
        this.attempt = 0;
        this.everOnline = true;
        this.startKeepalive();
        this.setState("online");
      }
      this.dispatch(event);
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopKeepalive();
      this.scheduleRetry();
    });
    // "error" is always followed by "close": the retry is scheduled there.
  }

  dispatch(event) {
    for (const fn of this.handlers.get(event.type) || []) fn(event);
    for (const fn of this.handlers.get("*") || []) fn(event);
  }

  scheduleRetry() {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    const jitter = delay * 0.2 * Math.random();
    this.attempt += 1;
    this.nextRetryAt = Date.now() + delay + jitter;
    this.setState(this.everOnline ? "reconnecting" : "connecting");
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay + jitter);
  }

  /** Try at once (the user clicked "retry", or the browser came back online). */
  retryNow() {
    if (this.ws) return;
    this.attempt = 0;
    this.open();
  }

  /** Drop the socket as if the network failed (used by the page's tests and "retry"). */
  drop() {
    if (this.ws) this.ws.close();
  }

  startKeepalive() {
    this.stopKeepalive();
    this.keepaliveTimer = setInterval(() => this.send({ type: "Beep" }), KEEPALIVE_MS);
  }

  stopKeepalive() {
    clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
  }

  /** Send a command; false when not connected (the caller says so to the user). */
  send(command) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.state !== "online" && command.type !== "Identify") return false;
    this.ws.send(JSON.stringify(command));
    return true;
  }

  /** Send a command with a fresh reqId; returns the id (or null when not sent). */
  request(command) {
    const reqId = newRequestId();
    return this.send({ ...command, reqId }) ? reqId : null;
  }
}
