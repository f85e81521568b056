// The page's state: its shape, what can be read from it, and the small changes model.js builds
// its reducers from. Pure (no DOM, storage or socket): Node imports it.

import { BLACK, Position } from "./go.js";
import { MOVE_REJECTED } from "./words.js";

export function initialState({ watchId = null, joinId = null, storedGameId = null } = {}) {
  const state = {
    view: null, // "lobby" | "waiting" | "game"
    connection: "connecting", // as protocol.js names it: "connecting" | "online" | "reconnecting"
    watchId,
    joinId,
    joinSent: false,
    gameId: null, // the game this client plays (or is waiting for)
    game: null, // the shown game
    waiting: null, // {kind: "public"|"private"|"join"|"bot", link}
    pendingCreate: null, // {kind: "public"|"private"|"bot", boardSize, botColor?, stars?}
    pendingMove: null, // {reqId, coord, color}
    reconnectReq: null,
    seen: new Set(), // eventIds already applied
    confirm: null, // {text, command}
    idle: { status: null, since: null, available: true },
    message: null, // {text, kind: "error"|"info"} under the board
    lobbyMessage: null,
    statusNote: null, // the status line before the game arrives
    review: null, // {gameId, at}: the finished game shown after `at` moves (null: the end)
    chat: null, // {gameId, lines: [{id, channel, from, text, turn, at}]}
    live: null, // {games: [...], now}: the lobby's list of games in progress
    settings: { sound: false, notify: false, muteOpponent: false }, // the page's settings (app.js keeps them)
  };
  if (watchId) return { ...state, view: "game", statusNote: "Loading the game…" };
  if (joinId) return showWaiting(state, "join");
  if (storedGameId) return { ...state, view: "game", gameId: storedGameId, statusNote: "Returning to your game…" };
  return showLobby(state);
}

export function emptyGame(id, size, extra = {}) {
  return {
    id,
    size,
    phase: "colors",
    version: 0,
    position: new Position(size),
    moves: [],
    lastMove: null,
    playerUp: BLACK,
    turn: 1,
    yourColor: null,
    players: { BLACK: "human", WHITE: "human" },
    botStrength: null,
    komi: null,
    rules: null,
    handicap: 0,
    handicapStones: [],
    dead: [],
    accepted: [],
    score: null,
    result: null,
    endReason: null,
    clocks: null,
    clocksAt: 0, // ctx.now() when `clocks` arrived: the page counts down from there
    undoRequestedBy: null,
    claimableBy: null,
    visibility: null,
    listed: false,
    rematch: { offeredBy: null, declinedBy: null, newGameId: null },
    provisional: true, // not yet confirmed by a GameState
    ...extra,
  };
}

export function fromSnapshot(s, now) {
  const moves = s.moves || [];
  const last = moves[moves.length - 1];
  return emptyGame(s.gameId, s.boardSize, {
    phase: s.phase,
    version: s.version,
    position: Position.fromStones(s.boardSize, s.stones, s.captures),
    moves,
    lastMove: last && last.coord ? last.coord : null,
    playerUp: s.playerUp,
    turn: s.turn,
    yourColor: s.yourColor,
    players: s.players || { BLACK: null, WHITE: null },
    botStrength: s.botStrength,
    komi: s.komi,
    rules: s.rules,
    handicap: s.handicap,
    handicapStones: s.handicapStones || [],
    dead: s.dead || [],
    accepted: s.accepted || [],
    score: s.score,
    result: s.result,
    endReason: s.endReason,
    clocks: s.clocks,
    clocksAt: now,
    undoRequestedBy: s.undoRequestedBy,
    claimableBy: s.claimableBy,
    visibility: s.visibility || null,
    listed: Boolean(s.listed),
    rematch: s.rematch || { offeredBy: null, declinedBy: null, newGameId: null },
    provisional: false,
  });
}

// -- reading the state ----------------------------------------------------------------------

export const isPlayer = (s) => Boolean(s.game && s.game.yourColor && !s.watchId);
export const myTurn = (s) => isPlayer(s) && s.game.phase === "playing" && s.game.playerUp === s.game.yourColor;
export const hasBot = (game) => Boolean(game && (game.players.BLACK === "bot" || game.players.WHITE === "bot"));
export const online = (s) => s.connection === "online";

/** Whether the Undo button is worth offering. The server judges (UndoRejected says why not) but
 * does not say who may undo, so this reads only what it does say: whose turn, pending requests.
 * A per-viewer `canUndo` in GameState (and the events that change it) would replace it. */
export function canUndo(s) {
  const g = s.game;
  if (!isPlayer(s) || g.phase !== "playing") return false;
  if (!g.moves.some((m) => m.player === g.yourColor)) return false;
  return hasBot(g) ? g.playerUp === g.yourColor : !g.undoRequestedBy; // against the AI: its reply is in
}

/** What a click on (x, y) means: {send}, {move}, {message, kind} or null (nothing). */
export function pointIntent(s, x, y) {
  const g = s.game;
  if (!g) return null;
  if (!isPlayer(s)) return { message: "You are watching this game.", kind: "info" };
  if (g.phase === "scoring") {
    return g.position.get(x, y) ? { send: { type: "ToggleDead", gameId: g.id, coord: { x, y } } } : null;
  }
  if (g.phase !== "playing" || s.pendingMove) return null;
  // Said at once rather than after a round trip; the server would refuse the same.
  if (!myTurn(s)) return { message: MOVE_REJECTED.not_your_turn, kind: "error" };
  if (g.position.get(x, y)) return { message: MOVE_REJECTED.occupied, kind: "error" };
  return { move: { x, y } };
}

// -- small state changes --------------------------------------------------------------------

export function setMessage(s, text, kind = "error") {
  return {
    ...s,
    message: text ? { text, kind } : null,
    lobbyMessage: s.view === "lobby" && text ? text : s.lobbyMessage,
  };
}

export const showLobby = (s, message = null) => ({ ...s, view: "lobby", lobbyMessage: message });
export const showWaiting = (s, kind, link = null) => ({ ...s, view: "waiting", waiting: { kind, link } });
/** The game view, once there is a game to show. */
export const showGame = (s) => (s.game ? { ...s, view: "game" } : s);
export const withGame = (s, changes) => ({ ...s, game: { ...s.game, ...changes } });
export const mine = (s, e) => Boolean(s.game && e.gameId === s.game.id);
export const versionAfter = (g, e) => (typeof e.version === "number" && e.version > g.version ? e.version : g.version);
export const stoppedClocks = (clocks) => (clocks ? { ...clocks, running: null } : clocks);

/** The state with the event marked seen, or null when it was seen before. */
export function firstSight(s, e) {
  if (!e.eventId) return s;
  if (s.seen.has(e.eventId)) return null;
  return { ...s, seen: new Set(s.seen).add(e.eventId) };
}

export function forgetGame(s, fx) {
  fx.push({ type: "forget" });
  return { ...s, gameId: null, pendingMove: null };
}

export function rememberGame(s, gameId, fx) {
  fx.push({ type: "remember", gameId });
  return { ...s, gameId };
}

export const send = (fx, command) => fx.push({ type: "send", command });
export const requestState = (s, fx) => s.game && send(fx, { type: "ProvideGameState", gameId: s.game.id });
export const chooseColor = (fx, gameId, ctx) => send(fx, { type: "ChooseColorPref", gameId, colorPref: ctx.colorPref() });

