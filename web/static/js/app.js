// The page's wiring: server events and clicks go through model.js, its effects are carried out
// here (send, storage, address bar), then render.js redraws. protocol.js carries the messages.

import { Connection, STATUS, newRequestId } from "./protocol.js";
import { bindLobby, colorPref } from "./lobby.js";
import { handledEvents, initialState, myTurn, pointIntent, reduce } from "./model.js";
import { mountBoard, render, renderClocks, renderConnection, renderEngine, tid } from "./render.js";
import { saved } from "./saved.js";

const QUIET_RESYNC_MS = 60000;
const RESEND_AFTER_MS = 5000;
const GIVE_UP_AFTER_MS = 8000;

const params = new URLSearchParams(location.search);
const conn = new Connection();
const ctx = { now: () => performance.now(), newId: newRequestId, colorPref };
const app = {
  conn,
  state: initialState({ watchId: params.get("watch"), joinId: params.get("join"), storedGameId: (saved.get("game") || {}).id }),
  log: [], // the last events received, for debugging
  heardAt: 0, // when the shown game last sent an event
  moveTimer: null,
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
};

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
