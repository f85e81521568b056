// The page's wiring: server events and clicks go through model.js, its effects are carried out
// here (send, storage, address bar), then render.js redraws. protocol.js carries the messages.

import { Connection, STATUS, newRequestId } from "./protocol.js";
import { bindLobby, colorPref } from "./lobby.js";
import { handledEvents, initialState, myTurn, pointIntent, reduce } from "./model.js";
import { mountBoard, render, renderClocks, renderConnection, renderEngine, tid } from "./render.js";
import { saved } from "./saved.js";
import * as alerts from "./alerts.js";
import { reviewKey, reviewable } from "./review.js";
import { chatRequest } from "./social.js";

const QUIET_RESYNC_MS = 60000;
const RESEND_AFTER_MS = 5000;
const GIVE_UP_AFTER_MS = 8000;
const LIVE_POLL_MS = 15000; // the lobby's live games, while the lobby is shown in a visible tab

const params = new URLSearchParams(location.search);
const conn = new Connection();
const ctx = { now: () => performance.now(), newId: newRequestId, colorPref };
const app = {
  conn,
  state: initialState({ watchId: params.get("watch"), joinId: params.get("join"), storedGameId: (saved.get("game") || {}).id }),
  log: [], // the last events received, for debugging
  heardAt: 0, // when the shown game last sent an event
  moveTimer: null,
  alerts: alerts.log, // the sounds and notifications played (the browser tests read them)
  livePolledAt: -Infinity,
  pollLive: (now) => pollLive(now),
};
window.bugout = app; // for debugging from the console (and the browser tests)

function dispatch(event) {
  const before = app.state;
  const { state, effects } = reduce(before, event, ctx);
  app.state = state;
  if (before.pendingMove && (!state.pendingMove || state.pendingMove.reqId !== before.pendingMove.reqId)) {
    clearTimeout(app.moveTimer);
  }
  for (const effect of effects) carryOut(effect);
  render(app.state, saved.get("name") || "");
  if (!myTurn(before) && myTurn(app.state) && before.game && before.game.id === app.state.game.id) {
    alerts.yourMove(app.state.settings);
  }
  if (before.view !== "lobby" && app.state.view === "lobby") pollLive(true);
  const chat = chatRequest(before, app.state);
  if (chat) dispatch(chat);
}

/** Ask for the live games, at most every LIVE_POLL_MS, and only while somebody can see them. */
function pollLive(now = false) {
  if (app.state.view !== "lobby" || document.visibilityState !== "visible" || !conn.online) return;
  if (!now && performance.now() - app.livePolledAt < LIVE_POLL_MS - 500) return;
  if (now && performance.now() - app.livePolledAt < 2000) return;
  app.livePolledAt = performance.now();
  conn.send({ type: "ListLiveGames" });
}

function carryOut(effect) {
  switch (effect.type) {
    case "send":
      if (!conn.send(effect.command)) app.state = reduce(app.state, { type: "sendFailed" }, ctx).state;
      break;
    case "remember":
      saved.set("game", { id: effect.gameId });
      break;
    case "forget":
      saved.drop("game");
      break;
    case "clearUrl":
      history.replaceState(null, "", "/");
      break;
    default:
      break;
  }
}

/** Send a command the user asked for; false (and a word on the page) when offline. */
function send(command) {
  if (conn.send(command)) return true;
  dispatch({ type: "sendFailed" });
  return false;
}

// -- moves ----------------------------------------------------------------------------------

function playAt(x, y) {
  const intent = pointIntent(app.state, x, y);
  if (!intent) return;
  if (intent.send) send(intent.send);
  else if (intent.message) dispatch({ type: "message", text: intent.message, kind: intent.kind });
  else makeMove(intent.move);
}

function makeMove(coord) {
  const g = app.state.game;
  const command = { type: "MakeMove", gameId: g.id, player: g.yourColor, coord };
  const reqId = conn.request(command);
  if (!reqId) {
    dispatch({ type: "sendFailed" });
    return;
  }
  dispatch({ type: "moveSent", reqId, coord, color: g.yourColor });
  // No answer in time: send the very same request again (the server answers a reqId once, so a
  // move that was judged is only announced again, and one lost on the way is judged now); if
  // that too goes unanswered, fetch the whole game.
  app.moveTimer = setTimeout(() => {
    if (app.state.pendingMove?.reqId !== reqId) return;
    conn.send({ ...command, reqId });
    app.moveTimer = setTimeout(() => dispatch({ type: "moveTimedOut", reqId }), GIVE_UP_AFTER_MS);
  }, RESEND_AFTER_MS);
}

// -- buttons --------------------------------------------------------------------------------

const ACTIONS = {
  retry: () => conn.retryNow(),
  copy: (button) => copyText(document.getElementById(button.dataset.target)),
  "cancel-wait": () => dispatch({ type: "cancelWait" }),
  pass: () => myTurn(app.state) && !app.state.pendingMove && makeMove(null),
  undo: () => dispatch({ type: "undo" }),
  "undo-accept": () => dispatch({ type: "answerUndo", accept: true }),
  "undo-refuse": () => dispatch({ type: "answerUndo", accept: false }),
  claim: () => dispatch({ type: "claim" }),
  resign: () => dispatch({ type: "resign" }),
  quit: () => dispatch({ type: "quit" }),
  "confirm-yes": () => dispatch({ type: "confirmYes" }),
  "confirm-no": () => dispatch({ type: "confirmNo" }),
  "accept-score": () => dispatch({ type: "acceptScore" }),
  "new-game": () => dispatch({ type: "newGame" }),
  rematch: () => dispatch({ type: "offerRematch" }),
  "rematch-accept": () => dispatch({ type: "answerRematch", accept: true }),
  "rematch-decline": () => dispatch({ type: "answerRematch", accept: false }),
  "review-first": () => dispatch({ type: "reviewTo", at: "first" }),
  "review-prev": () => dispatch({ type: "reviewStep", delta: -1 }),
  "review-next": () => dispatch({ type: "reviewStep", delta: 1 }),
  "review-last": () => dispatch({ type: "reviewTo", at: "last" }),
};

/** The settings panel, the chat form, the review slider and the listing box. */
function bindAround() {
  dispatch({ type: "settings", settings: saved.get("settings", {}) });
  for (const input of document.querySelectorAll("[data-setting]")) {
    input.addEventListener("change", async () => {
      const setting = input.dataset.setting;
      const settings = { ...app.state.settings, [setting]: input.checked };
      let note = "";
      if (input.checked) note = await alerts.enable(setting); // in the gesture that turned it on
      if (note && setting === "notify") settings.notify = false;
      tid("settings-note").textContent = note;
      saved.set("settings", settings);
      dispatch({ type: "settings", settings });
    });
  }
  tid("chat-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = tid("chat-input");
    if (!input.value.trim()) return;
    if (!conn.online) {
      dispatch({ type: "sendFailed" });
      return;
    }
    dispatch({ type: "sendChat", text: input.value });
    input.value = "";
  });
  tid("review-slider").addEventListener("input", (e) => dispatch({ type: "reviewTo", at: Number(e.target.value) }));
  tid("listed").addEventListener("change", (e) => dispatch({ type: "setListed", listed: e.target.checked }));
  document.addEventListener("keydown", (e) => {
    if (!reviewable(app.state) || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target.closest && e.target.closest("input, textarea, select")) return;
    const action = reviewKey(e.key);
    if (!action) return;
    e.preventDefault();
    dispatch(action);
  });
  document.addEventListener("visibilitychange", () => pollLive(true));
  setInterval(() => pollLive(), 1000);
}

let toastTimer = null;
function toast(text) {
  const box = tid("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.hidden = true;
  }, 2200);
}

function copyText(input) {
  const text = input.value;
  const fallback = () => {
    input.focus();
    input.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (_) {
      ok = false;
    }
    toast(ok ? "Link copied" : "Select the link and copy it");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => toast("Link copied"), fallback);
  } else {
    fallback();
  }
}

// -- the connection -------------------------------------------------------------------------

let bannerTimer = null;
function onConnectionState(state) {
  renderConnection(state);
  const banner = tid("connection-banner");
  const say = (text) => {
    banner.querySelector(".banner-text").textContent = text;
  };
  clearInterval(bannerTimer);
  if (state === "reconnecting") {
    banner.hidden = false;
    const tick = () => {
      const wait = conn.nextRetryAt ? Math.max(0, Math.ceil((conn.nextRetryAt - Date.now()) / 1000)) : 0;
      say(conn.ws ? "Connection lost. Reconnecting…" : `Connection lost. Reconnecting${wait ? ` in ${wait}s` : ""}…`);
    };
    tick();
    bannerTimer = setInterval(tick, 500);
  } else if (state === "connecting") {
    bannerTimer = setTimeout(() => {
      if (conn.state !== "online") {
        banner.hidden = false;
        say("Cannot reach the server yet. Retrying…");
      }
    }, 3000);
  } else {
    banner.hidden = true;
  }
  dispatch({ type: "connection", state });
}

// -- start ----------------------------------------------------------------------------------

function start() {
  mountBoard(playAt);
  bindLobby({
    onCreate({ command, pending }) {
      if (send(command)) dispatch({ type: "creating", pending });
    },
    onName: () => dispatch({ type: "nameChanged" }),
  });
  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-action]");
    if (button && !button.disabled && ACTIONS[button.dataset.action]) ACTIONS[button.dataset.action](button);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && app.state.confirm) dispatch({ type: "confirmNo" });
  });

  for (const type of handledEvents) conn.on(type, dispatch);
  conn.on("*", (event) => {
    app.log.push(event);
    if (app.log.length > 100) app.log.shift();
    if (app.state.game && event.gameId === app.state.game.id) app.heardAt = performance.now();
  });
  conn.onState(onConnectionState);
  conn.onState((state) => state === "online" && pollLive(true));
  bindAround();

  render(app.state, saved.get("name") || "");
  setInterval(() => {
    const g = app.state.game;
    if (g && g.clocks && g.phase === "playing") renderClocks(app.state, performance.now());
  }, 100);
  setInterval(() => {
    if (app.state.idle.status === STATUS.booting) renderEngine(app.state);
  }, 1000);
  // A safety net: events can be lost (a Redis hiccup on the server's side); after a quiet
  // minute in a live game, ask for the whole state once more.
  setInterval(() => {
    const g = app.state.game;
    if (!g || !conn.online || !["playing", "scoring", "colors"].includes(g.phase)) return;
    if (performance.now() - app.heardAt > QUIET_RESYNC_MS) {
      app.heardAt = performance.now();
      send({ type: "ProvideGameState", gameId: g.id });
    }
  }, 5000);
  conn.start();
}

start();
