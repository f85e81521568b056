// The page during a game: each server event the page handles, and the player's own actions.

import { test } from "node:test";
import assert from "node:assert/strict";

import { canUndo, emptyGame, initialState, pointIntent, reduce } from "../../web/static/js/model.js";
import { MOVE_REJECTED, UNDO_REJECTED } from "../../web/static/js/words.js";
import { GAME, SCORE, gameState, moveMade, playing, run, sent, world } from "./helpers.mjs";

const CLOCKS = {
  BLACK: { remainingS: 58.2, periodsLeft: 3, periodRemainingS: 20 },
  WHITE: { remainingS: 60, periodsLeft: 3, periodRemainingS: 20 },
  running: "WHITE", flagged: null, control: { kind: "byoyomi", mainS: 60, periods: 3, periodS: 20 },
};

test("YourColor: the seat, play begins, and the whole state is asked for", () => {
  const ready = run(initialState(), [{ type: "GameReady", gameId: GAME, boardSize: 9, version: 1 }]).state;
  const { state, effects } = run(ready, [{ type: "YourColor", gameId: GAME, yourColor: "WHITE", version: 3 }]);
  assert.deepEqual([state.game.yourColor, state.game.phase, state.game.version], ["WHITE", "playing", 3]);
  assert.deepEqual(sent(effects), [{ type: "ProvideGameState", gameId: GAME }]);
  assert.equal(run(ready, [{ type: "YourColor", gameId: "other", yourColor: "WHITE" }]).state, ready);
});

test("GameState: the whole game replaces the page's", () => {
  const ctx = world({ now: 4242 });
  const s = playing({ clocks: CLOCKS, captures: { BLACK: 2, WHITE: 0 } }, ctx);
  const g = s.game;
  assert.equal(s.view, "game");
  assert.deepEqual([g.provisional, g.version, g.yourColor, g.playerUp], [false, 5, "BLACK", "BLACK"]);
  assert.equal(g.position.get(2, 2), "BLACK");
  assert.equal(g.position.captures.BLACK, 2);
  assert.deepEqual(g.lastMove, { x: 6, y: 6 });
  assert.deepEqual([g.clocks, g.clocksAt], [CLOCKS, 4242]);
});

test("GameState: an older one than the page knows is ignored, and asked for again", () => {
  const s = playing();
  const { state, effects } = run(s, [gameState({ version: 4 })]);
  assert.equal(state, s);
  assert.deepEqual(sent(effects), [{ type: "ProvideGameState", gameId: GAME }]);
});

test("GameState: another game's is ignored; a watcher takes the watched one without a seat", () => {
  const s = playing();
  assert.equal(run(s, [gameState({ gameId: "other" })]).state, s);
  const watched = run(initialState({ watchId: GAME }), [gameState({ yourColor: "BLACK" })]).state;
  assert.equal(watched.game.yourColor, null);
});

test("GameState: still waiting shows the waiting room; choosing colours chooses", () => {
  const start = initialState({ storedGameId: GAME });
  const waiting = run(start, [gameState({ phase: "waiting", visibility: "Private", link: "http://x/?join=abc" })]).state;
  assert.deepEqual([waiting.view, waiting.waiting], ["waiting", { kind: "private", link: "http://x/?join=abc" }]);
  const colors = run(start, [gameState({ phase: "colors", yourColor: null })], world({ colorPref: "Black" }));
  assert.deepEqual(sent(colors.effects), [{ type: "ChooseColorPref", gameId: GAME, colorPref: "Black" }]);
});

test("Reconnected: for another game than the one shown, the shown one goes", () => {
  assert.equal(run(playing(), [{ type: "Reconnected", gameId: GAME }]).state.game.id, GAME);
  const back = { ...playing(), game: emptyGame("old", 9) };
  assert.equal(run(back, [{ type: "Reconnected", gameId: GAME }]).state.game, null);
});

test("MoveMade: the stone, its captures, whose turn, without touching the old state", () => {
  const s = playing({ stones: { BLACK: [{ x: 2, y: 2 }], WHITE: [{ x: 6, y: 6 }, { x: 4, y: 5 }] } });
  const { state } = run(s, [moveMade({ captured: [{ x: 4, y: 5 }], version: 6 })]);
  const g = state.game;
  assert.deepEqual([g.position.get(4, 4), g.position.get(4, 5), g.position.captures.BLACK], ["BLACK", null, 1]);
  assert.deepEqual([g.moves.length, g.playerUp, g.turn, g.version], [3, "WHITE", 3, 6]);
  assert.deepEqual(g.lastMove, { x: 4, y: 4 });
  assert.equal(s.game.position.get(4, 4), null);
  assert.equal(s.game.moves.length, 2);
});

test("MoveMade: a pass, the same event twice, an old turn, a gap", () => {
  const pass = run(playing(), [moveMade({ coord: null })]).state.game;
  assert.deepEqual([pass.lastMove, pass.moves.length], [null, 3]);
  const event = moveMade({ eventId: "e1" });
  const once = run(playing(), [event]).state;
  assert.equal(run(once, [event]).state, once);
  const old = run(playing(), [moveMade({ turn: 2 })]).state;
  assert.equal(old.game.moves.length, 2);
  const gap = run(playing(), [moveMade({ turn: 5 })]);
  assert.equal(gap.state.game.moves.length, 2);
  assert.deepEqual(sent(gap.effects), [{ type: "ProvideGameState", gameId: GAME }]);
});

test("MoveMade: the answer to the move in flight ends the wait and its message", () => {
  const s = { ...playing(), pendingMove: { reqId: "m1", coord: { x: 4, y: 4 }, color: "BLACK" }, message: { text: "x", kind: "info" } };
  const { state } = run(s, [moveMade({ replyTo: "m1" })]);
  assert.deepEqual([state.pendingMove, state.message], [null, null]);
});

test("MoveMade: the opponent's move clears an error but not a note", () => {
  const s = playing({ playerUp: "WHITE", yourColor: "BLACK" });
  const white = moveMade({ player: "WHITE", playerUp: "BLACK" });
  assert.equal(run({ ...s, message: { text: "Ko", kind: "error" } }, [white]).state.message, null);
  assert.deepEqual(run({ ...s, message: { text: "back", kind: "info" } }, [white]).state.message, { text: "back", kind: "info" });
});

test("MoveMade: the server's clocks replace the page's, read from now", () => {
  const ctx = world({ now: 5000 });
  const { state } = run(playing(), [moveMade({ clocks: CLOCKS })], ctx);
  assert.deepEqual([state.game.clocks, state.game.clocksAt], [CLOCKS, 5000]);
  const kept = run(playing({ clocks: CLOCKS }), [moveMade()], world({ now: 7000 })).state.game;
  assert.equal(kept.clocksAt, 1000); // no clocks in the event: the old reading stands
});

test("MoveMade during the count resumes play and drops the count", () => {
  const scoring = run(playing(), [{ type: "ScoringPhase", gameId: GAME, dead: [{ x: 2, y: 2 }], accepted: ["WHITE"], score: SCORE, version: 6 }]).state;
  const g = run(scoring, [moveMade({ version: 7 })]).state.game;
  assert.deepEqual([g.phase, g.dead, g.accepted, g.score], ["playing", [], [], null]);
});

test("MoveRejected: only for the move in flight, in words", () => {
  const s = { ...playing(), pendingMove: { reqId: "m1", coord: { x: 0, y: 0 }, color: "BLACK" } };
  const ko = run(s, [{ type: "MoveRejected", gameId: GAME, replyTo: "m1", reason: "ko" }]).state;
  assert.deepEqual([ko.pendingMove, ko.message], [null, { text: MOVE_REJECTED.ko, kind: "error" }]);
  assert.equal(run(s, [{ type: "MoveRejected", gameId: GAME, replyTo: "old", reason: "ko" }]).state, s);
  const odd = run(s, [{ type: "MoveRejected", gameId: GAME, replyTo: "m1", reason: "new", message: "because" }]).state;
  assert.equal(odd.message.text, "Move refused: because");
});

test("ScoringPhase: the count, and the clocks stop", () => {
  const s = playing({ clocks: CLOCKS });
  const g = run(s, [{ type: "ScoringPhase", gameId: GAME, eventId: "s1", dead: [{ x: 6, y: 6 }], accepted: ["BLACK"], score: SCORE, version: 7 }]).state.game;
  assert.deepEqual([g.phase, g.dead, g.accepted, g.score, g.version], ["scoring", [{ x: 6, y: 6 }], ["BLACK"], SCORE, 7]);
  assert.equal(g.clocks.running, null);
  assert.equal(s.game.clocks.running, "WHITE");
  const stale = run(s, [{ type: "ScoringPhase", gameId: GAME, dead: [], accepted: [], score: SCORE, version: 4 }]).state;
  assert.equal(stale.game.phase, "playing");
});

test("GameOver: the result; a count kept or dropped by reason; prompts closed", () => {
  const s = { ...playing(), confirm: { text: "Resign this game?", command: { type: "Resign", gameId: GAME } } };
  const resigned = run(s, [{ type: "GameOver", gameId: GAME, result: "W+R", reason: "resignation", version: 8 }]).state;
  assert.deepEqual([resigned.game.phase, resigned.game.result, resigned.game.endReason, resigned.confirm], ["over", "W+R", "resignation", null]);
  const counted = run(s, [{ type: "GameOver", gameId: GAME, result: "W+0.5", reason: "score", score: SCORE }]).state;
  assert.equal(counted.game.score, SCORE);
});

test("GameOver on time: the clocks stop and the whole state shows the fallen flag", () => {
  const { state, effects } = run(playing({ clocks: CLOCKS }), [{ type: "GameOver", gameId: GAME, result: "B+T", reason: "timeout" }]);
  assert.equal(state.game.clocks.running, null);
  assert.deepEqual(sent(effects), [{ type: "ProvideGameState", gameId: GAME }]);
});

test("MoveUndone: the moves the server kept, replayed, with its clocks", () => {
  const s = playing({ clocks: CLOCKS, undoRequestedBy: "WHITE" });
  const moves = [{ player: "BLACK", coord: { x: 2, y: 2 }, turn: 1 }];
  const clocks = { ...CLOCKS, running: "WHITE" };
  const { state, effects } = run(s, [{ type: "MoveUndone", gameId: GAME, playerUp: "WHITE", turn: 2, moves, clocks, version: 9 }], world({ now: 9000 }));
  const g = state.game;
  assert.deepEqual([g.moves, g.playerUp, g.turn, g.undoRequestedBy, g.version], [moves, "WHITE", 2, null, 9]);
  assert.deepEqual([g.position.get(2, 2), g.position.get(6, 6)], ["BLACK", null]);
  assert.deepEqual([g.clocks, g.clocksAt], [clocks, 9000]);
  assert.deepEqual(sent(effects), []);
});

test("MoveUndone without clocks from a timed game asks for the whole state", () => {
  const { effects } = run(playing({ clocks: CLOCKS }), [{ type: "MoveUndone", gameId: GAME, playerUp: "BLACK", turn: 1, moves: [], version: 9 }]);
  assert.deepEqual(sent(effects), [{ type: "ProvideGameState", gameId: GAME }]);
});

test("MoveUndone already applied changes nothing", () => {
  const s = playing();
  assert.equal(run(s, [{ type: "MoveUndone", gameId: GAME, moves: s.game.moves, version: 5 }]).state, s);
});

test("UndoRequested and the answer", () => {
  const asked = run(playing(), [{ type: "UndoRequested", gameId: GAME, player: "WHITE", version: 6 }]).state;
  assert.deepEqual([asked.game.undoRequestedBy, asked.game.version], ["WHITE", 6]);
  const { state, effects } = run(asked, [{ type: "answerUndo", accept: false }]);
  assert.deepEqual(sent(effects), [{ type: "AnswerUndo", gameId: GAME, accept: false }]);
  assert.equal(state.game.undoRequestedBy, null);
});

test("UndoRejected: my request is over, and the page says why", () => {
  const mine = playing({ undoRequestedBy: "BLACK" });
  const { state } = run(mine, [{ type: "UndoRejected", gameId: GAME, player: "BLACK", reason: "refused" }]);
  assert.deepEqual([state.game.undoRequestedBy, state.message.text], [null, UNDO_REJECTED.refused]);
  const theirs = run(playing({ undoRequestedBy: "WHITE" }), [{ type: "UndoRejected", gameId: GAME, reason: "undo_pending" }]).state;
  assert.equal(theirs.game.undoRequestedBy, "WHITE");
});

test("OpponentQuit, OpponentAbsent, OpponentReturned", () => {
  const quit = run(playing(), [{ type: "OpponentQuit", gameId: GAME }]).state;
  assert.deepEqual(quit.message, { text: "Your opponent left the game.", kind: "info" });
  const absent = run(playing(), [{ type: "OpponentAbsent", gameId: GAME, player: "WHITE", claimableBy: "BLACK", version: 9 }]).state;
  assert.deepEqual([absent.game.claimableBy, absent.game.version], ["BLACK", 9]);
  const back = run(absent, [{ type: "OpponentReturned", gameId: GAME, player: "WHITE", version: 10 }]).state;
  assert.deepEqual([back.game.claimableBy, back.message.text], [null, "Your opponent is back."]);
});

test("undo: asked of a person it says so; of the AI it does not", () => {
  const human = run(playing(), [{ type: "undo" }]);
  assert.deepEqual(sent(human.effects), [{ type: "UndoMove", gameId: GAME, player: "BLACK" }]);
  assert.equal(human.state.message.kind, "info");
  const bot = run(playing({ players: { BLACK: "human", WHITE: "bot" } }), [{ type: "undo" }]);
  assert.equal(bot.state.message, null);
});

test("resign and quit ask first; confirmYes sends what was asked", () => {
  const asked = run(playing(), [{ type: "resign" }]).state;
  assert.equal(asked.confirm.text, "Resign this game?");
  const { state, effects } = run(asked, [{ type: "confirmYes" }]);
  assert.deepEqual([sent(effects), state.confirm], [[{ type: "Resign", gameId: GAME }], null]);
  const no = run(run(playing(), [{ type: "quit" }]).state, [{ type: "confirmNo" }]);
  assert.deepEqual([sent(no.effects), no.state.confirm], [[], null]);
});

test("claim and acceptScore send the game's id (and the version accepted)", () => {
  assert.deepEqual(sent(run(playing(), [{ type: "claim" }]).effects), [{ type: "ClaimWin", gameId: GAME }]);
  assert.deepEqual(sent(run(playing(), [{ type: "acceptScore" }]).effects), [{ type: "AcceptScore", gameId: GAME, version: 5 }]);
});

test("moveSent and moveTimedOut", () => {
  const s = run(playing(), [{ type: "moveSent", reqId: "m1", coord: { x: 1, y: 1 }, color: "BLACK" }]).state;
  assert.deepEqual(s.pendingMove, { reqId: "m1", coord: { x: 1, y: 1 }, color: "BLACK" });
  assert.equal(run(s, [{ type: "moveTimedOut", reqId: "m0" }]).state, s);
  const { state, effects } = run(s, [{ type: "moveTimedOut", reqId: "m1" }]);
  assert.equal(state.pendingMove, null);
  assert.deepEqual(sent(effects), [{ type: "ProvideGameState", gameId: GAME }]);
});

test("canUndo reads the server's turn and requests, nothing more", () => {
  const human = playing(); // Black, to move, with a move on the board
  assert.equal(canUndo(human), true);
  assert.equal(canUndo(playing({ undoRequestedBy: "WHITE" })), false);
  assert.equal(canUndo(playing({ moves: [], stones: {} })), false);
  assert.equal(canUndo(playing({ phase: "scoring" })), false);
  const bot = { players: { BLACK: "human", WHITE: "bot" } };
  assert.equal(canUndo(playing({ ...bot, playerUp: "BLACK" })), true);
  assert.equal(canUndo(playing({ ...bot, playerUp: "WHITE" })), false); // the AI is thinking
  const watching = run(initialState({ watchId: GAME }), [gameState()]).state;
  assert.equal(canUndo(watching), false);
});

test("pointIntent: a move, a word, a dead mark, or nothing", () => {
  const mine = playing();
  assert.deepEqual(pointIntent(mine, 4, 4), { move: { x: 4, y: 4 } });
  assert.deepEqual(pointIntent(mine, 2, 2), { message: MOVE_REJECTED.occupied, kind: "error" });
  assert.deepEqual(pointIntent(playing({ playerUp: "WHITE" }), 4, 4), { message: MOVE_REJECTED.not_your_turn, kind: "error" });
  assert.equal(pointIntent({ ...mine, pendingMove: { reqId: "m" } }, 4, 4), null);
  const scoring = playing({ phase: "scoring" });
  assert.deepEqual(pointIntent(scoring, 2, 2), { send: { type: "ToggleDead", gameId: GAME, coord: { x: 2, y: 2 } } });
  assert.equal(pointIntent(scoring, 4, 4), null);
  const watching = run(initialState({ watchId: GAME }), [gameState()]).state;
  assert.equal(pointIntent(watching, 4, 4).kind, "info");
  assert.equal(pointIntent(initialState(), 0, 0), null);
});

test("a reducer never changes the state it was given", () => {
  const s = playing({ clocks: CLOCKS });
  const frozen = JSON.stringify({ ...s, seen: [...s.seen], game: { ...s.game, position: s.game.position.cells } });
  const events = [
    moveMade({ captured: [{ x: 6, y: 6 }] }), { type: "ScoringPhase", gameId: GAME, dead: [], accepted: [], score: SCORE },
    { type: "GameOver", gameId: GAME, result: "B+R", reason: "resignation" }, { type: "UndoRequested", gameId: GAME, player: "WHITE" },
    { type: "MoveUndone", gameId: GAME, moves: [], playerUp: "BLACK", turn: 1, version: 9 },
  ];
  for (const event of events) reduce(s, event, world());
  assert.equal(JSON.stringify({ ...s, seen: [...s.seen], game: { ...s.game, position: s.game.position.cells } }), frozen);
});

test("the game's buttons before its game arrives do nothing", () => {
  const loading = initialState({ storedGameId: GAME });
  for (const type of ["undo", "answerUndo", "claim", "resign", "quit", "acceptScore"]) {
    assert.deepEqual(reduce(loading, { type, accept: true }, world()), { state: loading, effects: [] }, type);
  }
});
