// What the page says about a state, the lobby's forms as commands, and the pure modules' imports.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { clockFaces, clockReading, gameInfo, playerLabel, resultHeadline, scoreRows, statusText } from "../../web/static/js/display.js";
import { botGameOf, privateGameOf, quickMatchOf, timeControlOf } from "../../web/static/js/lobby.js";
import { handledEvents, initialState } from "../../web/static/js/model.js";
import { formatSeconds, inviteLink, resultWords } from "../../web/static/js/words.js";
import { GAME, SCORE, gameState, moveMade, playing, run } from "./helpers.mjs";

const BYO = { kind: "byoyomi", mainS: 60, periods: 3, periodS: 20 };

test("every server event the page handles is one docs/protocol.md names", () => {
  const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");
  for (const type of handledEvents) assert.match(doc, new RegExp(`\\| ${type} \\|`), type);
});

test("clockReading counts the server's figures down", () => {
  assert.deepEqual(clockReading({ remainingS: 30 }, { kind: "fischer" }, 12), { main: 18, byo: false });
  assert.equal(clockReading({ remainingS: 3 }, { kind: "fischer" }, 12).main, 0);
  assert.deepEqual(clockReading({ remainingS: 50, periodsLeft: 3, periodRemainingS: 20 }, BYO, 10),
    { main: 40, byo: false, periods: 3, period: 20 });
  // In byo-yomi, the current period from what the server said was left of it...
  assert.deepEqual(clockReading({ remainingS: 0, periodsLeft: 3, periodRemainingS: 12 }, BYO, 2),
    { main: 0, byo: true, periods: 3, period: 10 });
  // ...then whole periods, until none is left.
  assert.deepEqual(clockReading({ remainingS: 0, periodsLeft: 3, periodRemainingS: 12 }, BYO, 17),
    { main: 0, byo: true, periods: 2, period: 15 });
  assert.equal(clockReading({ remainingS: 0, periodsLeft: 2, periodRemainingS: 12 }, BYO, 40).periods, 0);
});

test("clockFaces: text, running and low, from the moment the clocks arrived", () => {
  const clocks = {
    BLACK: { remainingS: 59, periodsLeft: 3, periodRemainingS: 20 }, WHITE: { remainingS: 60, periodsLeft: 3, periodRemainingS: 20 },
    running: "BLACK", flagged: null, control: BYO,
  };
  const g = playing({ clocks }).game; // clocksAt = 1000 ms
  const faces = clockFaces(g, 1000 + 2500);
  assert.deepEqual(faces.WHITE, { text: "1:00 +3×20s", running: false, low: false, flagged: false });
  assert.deepEqual(faces.BLACK, { text: "0:57 +3×20s", running: true, low: false, flagged: false });
  const late = clockFaces(g, 1000 + 59000 + 15000).BLACK;
  assert.deepEqual(late, { text: "5.0 · 3 periods", running: true, low: true, flagged: false });
  const fischer = { ...clocks, control: { kind: "fischer", mainS: 60, incrementS: 5 }, flagged: "WHITE" };
  const fg = playing({ clocks: fischer }).game;
  assert.deepEqual(clockFaces(fg, 1000).WHITE, { text: "0.0", running: false, low: false, flagged: true });
  assert.deepEqual(clockFaces(playing().game, 0), { BLACK: null, WHITE: null });
  assert.deepEqual(clockFaces(playing({ clocks: { ...clocks, control: { kind: "none" } } }).game, 0), { BLACK: null, WHITE: null });
});

test("statusText follows the phase, the last move and whose turn", () => {
  const s = playing();
  assert.equal(statusText(s), "White played G3. Your turn (Black).");
  const passed = run(playing({ playerUp: "WHITE" }), [moveMade({ player: "WHITE", coord: null, playerUp: "BLACK" })]).state;
  assert.equal(statusText(passed), "White passed. Your turn (Black). Pass too to end the game.");
  assert.equal(statusText(playing({ playerUp: "WHITE" })), "White played G3. Waiting for White…");
  assert.equal(statusText(playing({ playerUp: "WHITE", players: { BLACK: "human", WHITE: "bot" } })), "White played G3. GNU Go is thinking…");
  const watching = run(initialState({ watchId: GAME }), [gameState()]).state;
  assert.equal(statusText(watching), "White played G3. Black to play.");
  assert.equal(statusText(playing({ phase: "scoring" })), "Both passed: mark the dead stones, then accept the score.");
  assert.equal(statusText(playing({ phase: "over", result: "B+R", endReason: "resignation" })), "Black wins by resignation.");
  assert.equal(statusText(playing({ phase: "colors", moves: [] })), "Choosing colours…");
});

test("playerLabel: the AI's stars, you, the opponent", () => {
  const s = playing({ players: { BLACK: "human", WHITE: "bot" }, botStrength: 3 });
  assert.equal(playerLabel(s, "WHITE"), "GNU Go ★★★");
  assert.equal(playerLabel(s, "BLACK", " Alice "), "Alice (you)");
  assert.equal(playerLabel(s, "BLACK"), "You");
  assert.equal(playerLabel(playing(), "WHITE"), "Opponent");
  assert.equal(playerLabel(playing({ players: { BLACK: "human", WHITE: null } }), "WHITE"), "Waiting…");
});

test("resultHeadline and resultWords", () => {
  assert.equal(resultHeadline(playing({ phase: "over", result: "B+3.5" })), "You win!");
  assert.equal(resultHeadline(playing({ phase: "over", result: "W+T" })), "You lose");
  assert.equal(resultHeadline(playing({ phase: "over", result: "Void" })), "Game over");
  assert.equal(resultWords("W+1", "score"), "White wins by 1 point.");
  assert.equal(resultWords("B+F", "quit"), "Black wins: White left the game.");
  assert.equal(resultWords("W+F", "abandoned"), "White wins by forfeit.");
  assert.equal(resultWords("W+T", "timeout"), "White wins on time.");
  assert.equal(resultWords("Void", "cancelled"), "Game cancelled.");
  assert.equal(resultWords("Void", "abandoned"), "Game annulled: it had barely begun.");
  assert.equal(resultWords("0", "score"), "A draw (jigo).");
});

test("gameInfo names the board, komi, handicap, rules and clock", () => {
  const clocks = { BLACK: {}, WHITE: {}, control: { kind: "fischer", mainS: 600, incrementS: 5 } };
  assert.equal(gameInfo(playing({ handicap: 2, clocks })), "9×9 · komi 7.5 · handicap 2 · chinese rules · 10:00 + 5s Fischer");
  const watching = run(initialState({ watchId: GAME }), [gameState({ komi: null, rules: null })]).state;
  assert.equal(gameInfo(watching), "Watching · 9×9");
});

test("scoreRows: area and territory counting", () => {
  const area = scoreRows(SCORE);
  assert.deepEqual(area.rows.map((r) => r.detail), ["20 stones + 1 territory", "19 stones + 2 territory + 7.5 komi"]);
  assert.equal(area.result, "W+0.5 (area scoring)");
  const territory = scoreRows({ ...SCORE, scoring: "territory" });
  assert.equal(territory.rows[1].detail, "2 territory + 0 prisoners + 7.5 komi");
});

test("formatSeconds and inviteLink", () => {
  assert.deepEqual([formatSeconds(9.2), formatSeconds(59.2), formatSeconds(3725), formatSeconds(-1)], ["9.2", "1:00", "1:02:05", "0.0"]);
  assert.equal(inviteLink("https://other.host/?join=abc123", "http://127.0.0.1:5000/"), "http://127.0.0.1:5000/?join=abc123");
  assert.equal(inviteLink("/somewhere", "http://h/"), "/somewhere");
  assert.equal(inviteLink(null, "http://h/"), null);
});

test("the lobby's forms as commands", () => {
  assert.deepEqual(quickMatchOf({ size: "13" }), {
    command: { type: "FindPublicGame", boardSize: 13 }, pending: { kind: "public", boardSize: 13 },
  });
  assert.equal(timeControlOf({ kind: "none", mainMin: "10" }), null);
  assert.deepEqual(timeControlOf({ kind: "fischer", mainMin: "10", incrementS: "" }), { kind: "fischer", mainS: 600, incrementS: 0 });
  assert.deepEqual(timeControlOf({ kind: "byoyomi", mainMin: "1", periods: "0", periodS: "20" }),
    { kind: "byoyomi", mainS: 60, periods: 1, periodS: 20 });
  const friend = privateGameOf({ size: "9", clock: { kind: "byoyomi", mainMin: "1", periods: "3", periodS: "20" } });
  assert.deepEqual(friend.command, { type: "CreatePrivateGame", boardSize: 9, timeControl: { kind: "byoyomi", mainS: 60, periods: 3, periodS: 20 } });
  const bot = botGameOf({ botColor: "BLACK", size: "9", level: "KataGoThreeStars", stars: "3", handicap: "2", komi: "0.5", clock: { kind: "none" } });
  assert.deepEqual(bot.command, { type: "AttachBot", player: "BLACK", boardSize: 9, bot: "KataGoThreeStars", handicap: 2, komi: 0.5 });
  assert.deepEqual(bot.pending, { kind: "bot", boardSize: 9, botColor: "BLACK", stars: 3 });
  const plain = botGameOf({ botColor: null, size: "19", level: null, stars: undefined, handicap: "0", komi: "", clock: { kind: "none" } });
  assert.deepEqual(plain.command, { type: "AttachBot", player: "WHITE", boardSize: 19, bot: "KataGoOneStar", handicap: 0 });
  assert.equal(plain.pending.stars, null);
});
