// The page before and around a game: connecting, the lobby's answers, errors, its own actions.

import { test } from "node:test";
import assert from "node:assert/strict";

import { initialState, reduce } from "../../web/static/js/model.js";
import { ERRORS, NOT_CONNECTED } from "../../web/static/js/words.js";
import { GAME, gameState, playing, run, sent, world } from "./helpers.mjs";

const online = (s) => ({ ...s, connection: "online" });

test("the first view follows the address and the remembered game", () => {
  assert.equal(initialState().view, "lobby");
  const watching = initialState({ watchId: GAME });
  assert.equal(watching.view, "game");
  assert.equal(watching.statusNote, "Loading the game…");
  const joining = initialState({ joinId: "abc" });
  assert.deepEqual([joining.view, joining.waiting], ["waiting", { kind: "join", link: null }]);
  const back = initialState({ storedGameId: GAME });
  assert.deepEqual([back.view, back.gameId, back.statusNote], ["game", GAME, "Returning to your game…"]);
});

test("IdentityAcknowledged: a watcher watches", () => {
  const { effects } = run(initialState({ watchId: GAME }), [{ type: "IdentityAcknowledged" }]);
  assert.deepEqual(sent(effects), [{ type: "ProvideIdleStatus" }, { type: "WatchGame", gameId: GAME }]);
});

test("IdentityAcknowledged: an invitation is used once, and leaves the address", () => {
  const first = run(initialState({ joinId: "abc" }), [{ type: "IdentityAcknowledged" }]);
  assert.deepEqual(sent(first.effects)[1], { type: "JoinPrivateGame", gameId: "abc" });
  assert.ok(first.effects.some((e) => e.type === "clearUrl"));
  assert.equal(first.state.joinSent, true);
  const again = run(first.state, [{ type: "IdentityAcknowledged" }]);
  assert.deepEqual(sent(again.effects), [{ type: "ProvideIdleStatus" }]);
});

test("IdentityAcknowledged: a player returns with Reconnect, from the version it knows", () => {
  const fresh = run(initialState({ storedGameId: GAME }), [{ type: "IdentityAcknowledged" }]);
  const reconnect = sent(fresh.effects)[1];
  assert.deepEqual(reconnect, { type: "Reconnect", gameId: GAME, reqId: "req-1" });
  assert.equal(fresh.state.reconnectReq, "req-1");
  const known = run(playing(), [{ type: "IdentityAcknowledged" }]);
  assert.equal(sent(known.effects)[1].sinceVersion, 5);
});

test("IdentityAcknowledged: a lost public search is repeated, a lost private one is not", () => {
  const searching = reduce(online(initialState()), { type: "creating", pending: { kind: "public", boardSize: 13 } }, world()).state;
  assert.equal(searching.view, "waiting");
  assert.deepEqual(sent(run(searching, [{ type: "IdentityAcknowledged" }]).effects)[1], { type: "FindPublicGame", boardSize: 13 });
  const creating = reduce(online(initialState()), { type: "creating", pending: { kind: "private", boardSize: 9 } }, world()).state;
  const { state } = run(creating, [{ type: "IdentityAcknowledged" }]);
  assert.equal(state.view, "lobby");
  assert.equal(state.pendingCreate, null);
  assert.match(state.lobbyMessage, /connection dropped/);
});

test("IdleStatusProvided: the engine's own state, when the server names it", () => {
  const { state } = run(initialState(), [{
    type: "IdleStatusProvided", status: "Online", since: "2026-01-01T00:00:00Z",
    engine: { status: "Booting", since: "2026-01-01T00:00:01Z", available: true },
  }]);
  assert.deepEqual(state.idle, { status: "Booting", since: "2026-01-01T00:00:01Z", available: true });
  const old = run(initialState(), [{ type: "IdleStatusProvided", status: "Idle", since: "x" }]).state;
  assert.deepEqual(old.idle, { status: "Idle", since: "x", available: true });
  const none = run(initialState(), [{ type: "IdleStatusProvided", status: "Online", engine: { status: "Idle", available: false } }]);
  assert.equal(none.state.idle.available, false);
});

test("WaitForOpponent: the game is remembered and its link kept as the server wrote it", () => {
  const { state, effects } = run(initialState(), [{
    type: "WaitForOpponent", gameId: GAME, visibility: "Private", link: "https://elsewhere/?join=abc", version: 0,
  }]);
  assert.deepEqual(effects, [{ type: "remember", gameId: GAME }]);
  assert.equal(state.gameId, GAME);
  assert.deepEqual(state.waiting, { kind: "private", link: "https://elsewhere/?join=abc" });
  const watcher = run(initialState({ watchId: "other" }), [{ type: "WaitForOpponent", gameId: GAME }]);
  assert.equal(watcher.state.gameId, null);
});

test("GameReady: a provisional game, and the colour preference is sent", () => {
  const ctx = world({ colorPref: "White" });
  const { state, effects } = run(initialState(), [{ type: "GameReady", gameId: GAME, boardSize: 13, version: 1 }], ctx);
  assert.equal(state.view, "game");
  assert.deepEqual([state.game.size, state.game.phase, state.game.provisional], [13, "colors", true]);
  assert.deepEqual(sent(effects), [{ type: "ChooseColorPref", gameId: GAME, colorPref: "White" }]);
  // Again for the same game (a reload of the link): the game so far is kept.
  const again = run(playing(), [{ type: "GameReady", gameId: GAME, boardSize: 9, version: 1 }]).state;
  assert.equal(again.game.moves.length, 2);
});

test("PrivateGameRejected: back to the lobby, the game forgotten", () => {
  const { state, effects } = run(initialState({ joinId: "abc" }), [{ type: "PrivateGameRejected", gameId: "abc" }]);
  assert.deepEqual(effects, [{ type: "forget" }]);
  assert.deepEqual([state.view, state.joinId, state.gameId], ["lobby", null, null]);
  assert.match(state.lobbyMessage, /not valid any more/);
});

test("BotAttached: the AI's seat and stars from the form that asked", () => {
  const asked = reduce(online(initialState()), {
    type: "creating", pending: { kind: "bot", boardSize: 9, botColor: "WHITE", stars: 3 },
  }, world()).state;
  assert.deepEqual(asked.waiting, { kind: "bot", link: null });
  const { state } = run(asked, [{ type: "BotAttached", gameId: GAME, player: "WHITE", version: 1 }]);
  assert.equal(state.view, "game");
  assert.deepEqual(state.game.players, { BLACK: "human", WHITE: "bot" });
  assert.deepEqual([state.game.size, state.game.botStrength, state.game.phase], [9, 3, "playing"]);
  assert.equal(state.pendingCreate, null);
});

test("Error: an unknown game on Reconnect sends the page to the lobby", () => {
  let { state } = run(initialState({ storedGameId: GAME }), [{ type: "IdentityAcknowledged" }]);
  const out = run(state, [{ type: "Error", code: "unknown_game", replyTo: state.reconnectReq }]);
  assert.deepEqual(out.effects, [{ type: "forget" }]);
  assert.equal(out.state.view, "lobby");
  assert.equal(out.state.lobbyMessage, "Your last game is no longer available.");
});

test("Error: a watched game that does not exist", () => {
  const { state, effects } = run(initialState({ watchId: GAME }), [{ type: "Error", code: "unknown_game" }]);
  assert.deepEqual(effects, [{ type: "clearUrl" }]);
  assert.deepEqual([state.view, state.watchId], ["lobby", null]);
});

test("Error: a refused creation goes back to the lobby, saying why", () => {
  const asked = reduce(online(initialState()), { type: "creating", pending: { kind: "private", boardSize: 9 } }, world()).state;
  const bad = run(asked, [{ type: "Error", code: "bad_settings", message: "komi too large" }]).state;
  assert.equal(bad.view, "lobby");
  assert.equal(bad.lobbyMessage, `${ERRORS.bad_settings} (komi too large)`);
  const busy = run(asked, [{ type: "Error", code: "lobby_busy" }]).state;
  assert.equal(busy.lobbyMessage, ERRORS.lobby_busy);
});

test("Error: in a game it shows under the board; the colours error is ignored", () => {
  const s = playing();
  assert.equal(run(s, [{ type: "Error", code: "colors_already_chosen" }]).state, s);
  const { state } = run(s, [{ type: "Error", code: "rate_limited" }]);
  assert.deepEqual(state.message, { text: ERRORS.rate_limited, kind: "error" });
  assert.equal(run(s, [{ type: "Error", code: "weird", message: "odd" }]).state.message.text, "odd");
  const lobby = run(initialState(), [{ type: "Error", code: "weird" }]).state;
  assert.equal(lobby.lobbyMessage, "Something went wrong.");
});

test("Error: the answer to the move in flight ends the wait for it", () => {
  const s = { ...playing(), pendingMove: { reqId: "m1", coord: { x: 1, y: 1 }, color: "BLACK" } };
  assert.equal(run(s, [{ type: "Error", code: "invalid", replyTo: "m1", message: "bad" }]).state.pendingMove, null);
});

test("connection: a move in flight is dropped with the connection", () => {
  const s = { ...playing(), pendingMove: { reqId: "m1", coord: null, color: "BLACK" } };
  const lost = run(s, [{ type: "connection", state: "reconnecting" }]).state;
  assert.deepEqual([lost.connection, lost.pendingMove], ["reconnecting", null]);
  assert.equal(run(s, [{ type: "connection", state: "online" }]).state.pendingMove.reqId, "m1");
});

test("sendFailed says so, in the lobby too", () => {
  const { state } = run(initialState(), [{ type: "sendFailed" }]);
  assert.deepEqual([state.message.text, state.lobbyMessage], [NOT_CONNECTED, NOT_CONNECTED]);
});

test("cancelWait quits the waiting game and forgets it", () => {
  const waiting = run(initialState(), [{ type: "WaitForOpponent", gameId: GAME, visibility: "Public" }]).state;
  const { state, effects } = run(waiting, [{ type: "cancelWait" }]);
  assert.deepEqual(sent(effects), [{ type: "QuitGame", gameId: GAME }]);
  assert.ok(effects.some((e) => e.type === "forget"));
  assert.deepEqual([state.view, state.gameId, state.waiting], ["lobby", null, null]);
});

test("newGame leaves a watched game for the lobby", () => {
  const watched = run(initialState({ watchId: GAME }), [gameState({ yourColor: null })]).state;
  const { state, effects } = run(watched, [{ type: "newGame" }]);
  assert.deepEqual(effects.map((e) => e.type), ["forget", "clearUrl"]);
  assert.deepEqual([state.view, state.game, state.watchId, state.message], ["lobby", null, null, null]);
});

test("events of unknown types change nothing", () => {
  const s = playing();
  assert.deepEqual(run(s, [{ type: "HistoryProvided", gameId: GAME }, { type: "toString" }]), { state: s, effects: [] });
});
