// Review of a finished game: step through its moves (buttons, keys, a slider). Pure: the
// position after any number of moves is replayed from the move list the page already has.

import { Position } from "./go.js";

/** Whether the shown game can be reviewed (it is over and has moves). */
export const reviewable = (s) => Boolean(s.game && s.game.phase === "over" && s.game.moves.length);

/** The move number shown: the review's, or the last. */
export function reviewAt(s) {
  const total = s.game.moves.length;
  if (!s.review || s.review.gameId !== s.game.id) return total;
  return Math.max(0, Math.min(total, s.review.at));
}

/** What the board shows in review: the position after `at` moves, its last move and captures.
 * At the end, null: the game as it finished (with its count). */
export function reviewView(s) {
  if (!reviewable(s)) return null;
  const g = s.game;
  const at = reviewAt(s);
  if (at === g.moves.length) return null;
  const moves = g.moves.slice(0, at);
  const last = moves[moves.length - 1];
  return {
    at,
    total: g.moves.length,
    position: Position.replay(g.size, g.handicapStones, moves),
    lastMove: last && last.coord ? last.coord : null,
    move: last || null,
  };
}

const to = (s, at) => (reviewable(s) ? { ...s, review: { gameId: s.game.id, at: Math.max(0, Math.min(s.game.moves.length, at)) } } : s);

export const reviewActions = {
  /** {at}: a move number (the slider), or "first" / "last". */
  reviewTo: (s, a) => (reviewable(s) ? to(s, a.at === "first" ? 0 : a.at === "last" ? s.game.moves.length : Number(a.at)) : s),
  /** {delta}: moves forward (or back, negative). */
  reviewStep: (s, a) => (reviewable(s) ? to(s, reviewAt(s) + a.delta) : s),
};

/** The review's key bindings: key -> action (the page binds them while a finished game shows). */
export function reviewKey(key) {
  switch (key) {
    case "ArrowLeft": return { type: "reviewStep", delta: -1 };
    case "ArrowRight": return { type: "reviewStep", delta: 1 };
    case "PageUp": return { type: "reviewStep", delta: -10 };
    case "PageDown": return { type: "reviewStep", delta: 10 };
    case "Home": return { type: "reviewTo", at: "first" };
    case "End": return { type: "reviewTo", at: "last" };
    default: return null;
  }
}
