// Around the game: chat, rematch, the live games list and listing a private game (the
// protocol's chat, rematch and live extensions). Pure, like model.js, which merges these reducers.

import { emptyGame, isPlayer, mine, rememberGame, send, setMessage, showGame, versionAfter, withGame } from "./state.js";
import { other } from "./go.js";

export const CHAT_MAX = 300;
const KEPT = 200;

/** Ask for a game's chat when the page shows a game whose lines it does not have. */
export function loadChat(s, gameId, fx) {
  if (s.chat && s.chat.gameId === gameId) return s;
  send(fx, { type: "ProvideChat", gameId });
  return { ...s, chat: { gameId, lines: [] } };
}

function addLines(lines, more) {
  const known = new Set(lines.map((l) => l.id));
  return [...lines, ...more.filter((l) => !known.has(l.id))].slice(-KEPT);
}

/** After a change, the chat the page should ask for: a game shown (confirmed by the server) whose
 * lines it does not have, or a game just over for its player, who may now read the spectators'. */
export function chatRequest(before, after) {
  const g = after.game;
  if (!g || g.provisional || g.phase === "waiting") return null;
  if (!after.chat || after.chat.gameId !== g.id) return { type: "loadChat", gameId: g.id };
  const was = before.game;
  if (isPlayer(after) && g.phase === "over" && was && was.id === g.id && was.phase !== "over") {
    return { type: "reloadChat", gameId: g.id };
  }
  return null;
}

/** The lines to show: a muted opponent's are left out (the page's setting; nobody is told). */
export function shownLines(s) {
  if (!s.chat || !s.game || s.chat.gameId !== s.game.id) return [];
  const g = s.game;
  const muted = s.settings.muteOpponent && isPlayer(s) ? other(g.yourColor) : null;
  return s.chat.lines.filter((l) => !(muted && l.channel === "players" && l.from === muted));
}

export const socialEvents = {
  ChatMessage(s, e) {
    if (!s.chat || s.chat.gameId !== e.gameId) return s;
    const { type, gameId, ...line } = e;
    return { ...s, chat: { gameId, lines: addLines(s.chat.lines, [line]) } };
  },

  ChatHistory(s, e) {
    if (!s.game || s.game.id !== e.gameId) return s;
    const lines = s.chat && s.chat.gameId === e.gameId ? s.chat.lines : [];
    return { ...s, chat: { gameId: e.gameId, lines: addLines(e.lines || [], lines) } };
  },

  RematchOffered(s, e) {
    if (!mine(s, e)) return s;
    const g = s.game;
    return showGame(withGame(s, { rematch: { ...g.rematch, offeredBy: e.player }, version: versionAfter(g, e) }));
  },

  RematchDeclined(s, e) {
    if (!mine(s, e)) return s;
    const g = s.game;
    return showGame(withGame(s, { rematch: { ...g.rematch, offeredBy: null, declinedBy: e.player },
      version: versionAfter(g, e) }));
  },

  /** The rematch began: the page plays it (and asks for its whole state). */
  RematchStarted(s, e, ctx, fx) {
    if (!mine(s, e) || s.watchId) return s;
    const g = s.game;
    const players = { BLACK: g.players.WHITE, WHITE: g.players.BLACK };
    const game = emptyGame(e.newGameId, g.size, {
      phase: "playing", yourColor: e.yourColor, players, botStrength: g.botStrength, komi: g.komi, rules: g.rules,
      handicap: g.handicap, visibility: g.visibility, listed: g.listed,
    });
    send(fx, { type: "ProvideGameState", gameId: e.newGameId });
    const next = { ...rememberGame(s, e.newGameId, fx), game, seen: new Set(), review: null, confirm: null };
    return showGame(setMessage(loadChat(next, e.newGameId, fx), "The rematch begins: colours are swapped.", "info"));
  },

  LiveGames: (s, e) => ({ ...s, live: { games: e.games || [], now: e.now } }),

  ListingChanged(s, e) {
    if (!mine(s, e)) return s;
    return withGame(s, { listed: e.listed, version: versionAfter(s.game, e) });
  },
};

export const socialActions = {
  settings: (s, a) => ({ ...s, settings: { ...s.settings, ...a.settings } }),
  loadChat: (s, a, ctx, fx) => loadChat(s, a.gameId, fx),
  reloadChat(s, a, ctx, fx) {
    send(fx, { type: "ProvideChat", gameId: a.gameId });
    return s;
  },
  /** {text}: a line for the game's chat. */
  sendChat(s, a, ctx, fx) {
    const text = (a.text || "").trim();
    if (!s.game || !text) return s;
    send(fx, { type: "SendChat", gameId: s.game.id, text: text.slice(0, CHAT_MAX) });
    return s;
  },
  offerRematch(s, a, ctx, fx) {
    if (!s.game || !isPlayer(s)) return s;
    send(fx, { type: "OfferRematch", gameId: s.game.id, reqId: ctx.newId() });
    return withGame(s, { rematch: { ...s.game.rematch, offeredBy: s.game.rematch.offeredBy || s.game.yourColor } });
  },
  answerRematch(s, a, ctx, fx) {
    if (!s.game || !isPlayer(s)) return s;
    send(fx, { type: "AnswerRematch", gameId: s.game.id, accept: a.accept, reqId: ctx.newId() });
    return a.accept ? s : withGame(s, { rematch: { ...s.game.rematch, offeredBy: null, declinedBy: s.game.yourColor } });
  },
  setListed(s, a, ctx, fx) {
    if (!s.game) return s;
    send(fx, { type: "SetListed", gameId: s.game.id, listed: a.listed });
    return s;
  },
  listLive(s, a, ctx, fx) {
    send(fx, { type: "ListLiveGames" });
    return s;
  },
};

/** What a rematch offers a player now: "offer", "offered" (waiting), "answer", "declined" or null. */
export function rematchChoice(s) {
  const g = s.game;
  if (!g || g.phase !== "over" || !isPlayer(s) || g.rematch.newGameId) return null;
  if (!g.players.BLACK || !g.players.WHITE) return null;
  if (g.rematch.declinedBy && g.rematch.declinedBy !== g.yourColor) return "declined";
  if (g.rematch.offeredBy === g.yourColor) return "offered";
  if (g.rematch.offeredBy) return "answer";
  if (g.rematch.declinedBy) return null;
  return "offer";
}

/** "12 s ago", "3 min ago": how long before the server's `now` a live game's last move was. */
export function ago(lastMoveAt, now) {
  const secs = Math.max(0, Math.round((Date.parse(now) - Date.parse(lastMoveAt)) / 1000));
  if (!Number.isFinite(secs)) return "";
  if (secs < 60) return `${secs} s ago`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  return `${Math.floor(secs / 3600)} h ago`;
}
