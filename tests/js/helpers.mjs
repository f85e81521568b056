// Shared by the page-model tests: a fixed world for the reducers, and server events as the
// server writes them (docs/protocol.md).

import { reduce, initialState } from "../../web/static/js/model.js";

export const GAME = "0f7c9e66-7942-40de-944b-e07fc1f90ae7";

/** A ctx whose clock and ids the test sets. */
export function world({ now = 1000, colorPref = "Any" } = {}) {
  let n = 0;
  return { time: now, now() { return this.time; }, newId: () => `req-${(n += 1)}`, colorPref: () => colorPref };
}

/** Apply events in turn; returns the last state and every effect. */
export function run(state, events, ctx = world()) {
  const effects = [];
  for (const event of events) {
    const out = reduce(state, event, ctx);
    state = out.state;
    effects.push(...out.effects);
  }
  return { state, effects };
}

export const sent = (effects) => effects.filter((e) => e.type === "send").map((e) => e.command);

export function gameState(extra = {}) {
  return {
    type: "GameState",
    gameId: GAME,
    version: 5,
    phase: "playing",
    boardSize: 9,
    rules: "chinese",
    komi: 7.5,
    handicap: 0,
    handicapStones: [],
    visibility: "Public",
    link: null,
    playerUp: "BLACK",
    turn: 3,
    moves: [
      { player: "BLACK", coord: { x: 2, y: 2 }, turn: 1 },
      { player: "WHITE", coord: { x: 6, y: 6 }, turn: 2 },
    ],
    stones: { BLACK: [{ x: 2, y: 2 }], WHITE: [{ x: 6, y: 6 }] },
    captures: { BLACK: 0, WHITE: 0 },
    players: { BLACK: "human", WHITE: "human" },
    botStrength: null,
    yourColor: "BLACK",
    dead: [],
    accepted: [],
    score: null,
    undoRequestedBy: null,
    claimableBy: null,
    clocks: null,
    result: null,
    endReason: null,
    ...extra,
  };
}

/** A page playing GAME as `yourColor`, after the server's whole state. */
export function playing(extra = {}, ctx = world()) {
  const start = initialState({ storedGameId: GAME });
  return reduce({ ...start, connection: "online" }, gameState(extra), ctx).state;
}

export function moveMade(extra = {}) {
  return {
    type: "MoveMade", gameId: GAME, replyTo: null, eventId: `ev-${Math.random()}`, player: "BLACK",
    coord: { x: 4, y: 4 }, captured: [], turn: 3, playerUp: "WHITE", version: 6, ...extra,
  };
}

export const SCORE = {
  black: 44, white: 44.5, komi: 7.5, scoring: "area", blackStones: 20, whiteStones: 19,
  blackTerritory: [{ x: 0, y: 0 }], whiteTerritory: [{ x: 8, y: 8 }, { x: 8, y: 7 }],
  blackPrisoners: 1, whitePrisoners: 0, result: "W+0.5",
};
