// What the page says: the server's codes in words, results, times. Pure (Node imports it).

import { BLACK } from "./go.js";

export const colorName = (color) => (color === BLACK ? "Black" : "White");
export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const NOT_CONNECTED = "Not connected. Waiting for the connection to come back…";

export const MOVE_REJECTED = {
  ko: "Ko: you can't retake the ko right away. Play elsewhere first.",
  superko: "Superko: that move would repeat an earlier board position.",
  suicide: "Suicide: that stone (and its group) would have no liberties.",
  occupied: "There is already a stone on that point.",
  not_your_turn: "It's not your turn.",
  off_board: "That point is off the board.",
  game_over: "The game is over.",
  not_a_player: "You are not a player in this game.",
  not_started: "The game has not started yet: colours are being chosen.",
};

export const UNDO_REJECTED = {
  refused: "Your opponent refused the undo.",
  bot_to_move: "Wait for the AI's reply before taking back your move.",
  nothing_to_undo: "There is nothing to undo yet.",
  undo_pending: "An undo request is already waiting for an answer.",
  not_playing: "Undo is only possible during play.",
  not_a_player: "Only the players can ask for an undo.",
};

export const ERRORS = {
  rate_limited: "Slow down a little: too many actions at once.",
  unavailable: "The server could not take that just now. Try again.",
  unknown_game: "That game no longer exists (games expire a day after their last move).",
  no_game: "You are not in a game.",
  not_a_player: "You are not a player in this game.",
  not_scoring: "That only works while counting.",
  not_a_stone: "There is no stone there to mark.",
  no_undo_request: "The undo request was already answered.",
  stale_count: "The marking changed before your agreement arrived: look again, then accept.",
  ai_unavailable: "The AI is not available on this server right now. Games with people work as usual.",
  game_over: "The game is over.",
  bad_settings: "Those game settings are not possible.",
  bad_board_size: "That board size is not available.",
  lobby_busy: "The lobby is busy. Try again in a moment.",
  engine_failed: "The AI engine failed. Try again, or start a new game.",
  engine_overran: "The AI ran out of time for its move.",
  not_identified: "Still connecting…",
  nothing_to_claim: "There is no win to claim.",
  not_the_creator: "Only the player who created this game may list it.",
  rematch_unsupported: "Your opponent's app cannot take a rematch offer.",
  rematch_declined: "Your opponent declined a rematch.",
  rematch_started: "The rematch has started already.",
  no_rematch_offer: "There is no rematch offer to answer any more.",
  empty_chat: "Say something first.",
  chat_too_long: "Chat messages are at most 300 characters.",
};

export function resultWords(result, reason) {
  if (!result) return "";
  if (result === "Void") return reason === "cancelled" ? "Game cancelled." : "Game annulled: it had barely begun.";
  if (result === "0" || result === "Draw" || result === "Jigo") return "A draw (jigo).";
  const [letter, how] = result.split("+");
  const winner = letter === "B" ? "Black" : "White";
  const loser = letter === "B" ? "White" : "Black";
  if (how === "R") return `${winner} wins by resignation.`;
  if (how === "T") return `${winner} wins on time.`;
  if (how === "F") {
    return reason === "quit" ? `${winner} wins: ${loser} left the game.` : `${winner} wins by forfeit.`;
  }
  return `${winner} wins by ${how} point${how === "1" ? "" : "s"}.`;
}

export function formatSeconds(seconds) {
  const s = Math.max(0, seconds);
  if (s < 10) return s.toFixed(1);
  const whole = Math.ceil(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

export function clockDescription(control) {
  if (control.kind === "fischer") return `${formatSeconds(control.mainS)} + ${control.incrementS}s Fischer`;
  if (control.kind === "byoyomi") {
    return `${formatSeconds(control.mainS)} + ${control.periods}×${control.periodS}s byo-yomi`;
  }
  return "no clock";
}

/** The invitation link on the page's own origin (the server's may name another host). */
export function inviteLink(serverLink, pageHref) {
  if (!serverLink) return null;
  const page = new URL(pageHref);
  const compact = new URL(serverLink, page).searchParams.get("join");
  return compact ? `${page.origin}/?join=${encodeURIComponent(compact)}` : serverLink;
}
