// The page around the game: review of a finished game, chat, rematch and the live list.

import { test } from "node:test";
import assert from "node:assert/strict";

import { reduce } from "../../web/static/js/model.js";
import { reviewAt, reviewKey, reviewView } from "../../web/static/js/review.js";
import { ago, chatRequest, rematchChoice, shownLines } from "../../web/static/js/social.js";
import { GAME, playing, run, sent, world } from "./helpers.mjs";

const MOVES = [
  { player: "BLACK", coord: { x: 1, y: 0 }, turn: 1 },
  { player: "WHITE", coord: { x: 0, y: 0 }, turn: 2 },
  { player: "BLACK", coord: { x: 0, y: 1 }, turn: 3 },
  { player: "WHITE", coord: null, turn: 4 },
];
const over = (extra = {}) => playing({
  phase: "over", moves: MOVES, result: "B+R", endReason: "resignation", turn: 5,
  stones: { BLACK: [{ x: 1, y: 0 }, { x: 0, y: 1 }], WHITE: [] }, captures: { BLACK: 1, WHITE: 0 }, ...extra,
});

test("review: the end first; steps, keys and the slider replay the moves with their captures", () => {
  let s = over();
  assert.equal(reviewAt(s), 4);
  assert.equal(reviewView(s), null); // the end: the game as it finished
  s = run(s, [reviewKey("Home")]).state;
  assert.equal(reviewView(s).position.stones("BLACK").length, 0);
  s = run(s, [{ type: "reviewStep", delta: 2 }]).state;
  const two = reviewView(s);
  assert.deepEqual([two.at, two.position.get(0, 0), two.lastMove], [2, "WHITE", { x: 0, y: 0 }]);
  s = run(s, [reviewKey("ArrowRight")]).state;
  const three = reviewView(s);
  assert.deepEqual([three.position.get(0, 0), three.position.captures.BLACK], [null, 1]);
  s = run(s, [{ type: "reviewTo", at: 99 }]).state;
  assert.equal(reviewAt(s), 4);
  assert.equal(run(s, [reviewKey("PageUp")]).state.review.at, 0);
  assert.equal(reviewKey("x"), null);
  const live = playing();
  assert.equal(run(live, [{ type: "reviewStep", delta: -1 }]).state, live); // only a finished game
});

test("chat: asked for once per game shown, and again for a player when the game ends", () => {
  const s = playing();
  const asked = chatRequest({ game: null }, s);
  assert.deepEqual(asked, { type: "loadChat", gameId: GAME });
  const { state, effects } = run(s, [asked]);
  assert.deepEqual(sent(effects), [{ type: "ProvideChat", gameId: GAME }]);
  assert.equal(chatRequest(s, state), null);
  const ended = run(state, [{ type: "GameOver", gameId: GAME, result: "B+R", reason: "resignation", version: 9 }]).state;
  assert.deepEqual(chatRequest(state, ended), { type: "reloadChat", gameId: GAME });
});

test("chat: lines kept once each, a muted opponent's left out on this page only", () => {
  let s = run(playing(), [{ type: "loadChat", gameId: GAME }]).state;
  const line = (id, from, channel = "players") => ({ type: "ChatMessage", gameId: GAME, id, channel, from, text: id, turn: 1, at: "" });
  s = run(s, [line("a", "WHITE"), line("b", "BLACK"), line("a", "WHITE"), line("c", "Spectator 12ab", "spectators")]).state;
  assert.deepEqual(shownLines(s).map((l) => l.id), ["a", "b", "c"]);
  s = run(s, [{ type: "settings", settings: { muteOpponent: true } }]).state;
  assert.deepEqual(shownLines(s).map((l) => l.id), ["b", "c"]);
  s = run(s, [{ type: "ChatHistory", gameId: GAME, lines: [{ id: "z", channel: "players", from: "BLACK", text: "z" }] }]).state;
  assert.deepEqual(s.chat.lines.map((l) => l.id), ["z", "a", "b", "c"]);
  const { effects } = run(s, [{ type: "sendChat", text: "  hi  " }]);
  assert.deepEqual(sent(effects), [{ type: "SendChat", gameId: GAME, text: "hi" }]);
});

test("rematch: offer, the opponent's offer, a decline, and the rematch taken up", () => {
  let s = over();
  assert.equal(rematchChoice(s), "offer");
  const offered = run(s, [{ type: "offerRematch" }], world());
  assert.deepEqual(sent(offered.effects), [{ type: "OfferRematch", gameId: GAME, reqId: "req-1" }]);
  assert.equal(rematchChoice(offered.state), "offered");
  s = run(s, [{ type: "RematchOffered", gameId: GAME, player: "WHITE", version: 9 }]).state;
  assert.equal(rematchChoice(s), "answer");
  assert.equal(rematchChoice(run(s, [{ type: "RematchDeclined", gameId: GAME, player: "WHITE", version: 10 }]).state), "declined");
  const { state, effects } = run(s, [{ type: "RematchStarted", gameId: GAME, newGameId: "g2", yourColor: "WHITE", version: 10 }]);
  assert.deepEqual([state.gameId, state.game.id, state.game.yourColor, state.game.phase], ["g2", "g2", "WHITE", "playing"]);
  assert.deepEqual(sent(effects), [{ type: "ProvideGameState", gameId: "g2" }, { type: "ProvideChat", gameId: "g2" }]);
  assert.ok(effects.some((e) => e.type === "remember" && e.gameId === "g2"));
  assert.equal(rematchChoice(playing()), null);
});

test("live games: the list as read, and how long ago each last move was", () => {
  const games = [{ gameId: "g", boardSize: 9, moveNumber: 3, lastMoveAt: "2026-01-01T00:00:00.000Z" }];
  const s = reduce(playing(), { type: "LiveGames", games, now: "2026-01-01T00:01:05.000Z" }, world()).state;
  assert.deepEqual(s.live.games, games);
  assert.equal(ago(games[0].lastMoveAt, s.live.now), "1 min ago");
  assert.equal(ago(games[0].lastMoveAt, "2026-01-01T00:00:12.000Z"), "12 s ago");
});
