// The page from the state: which view shows, the waiting room, the game (board, cards, clocks,
// prompts, count, result), the buttons. It writes the DOM and decides nothing.

import { BoardView } from "./board.js";
import { STATUS } from "./protocol.js";
import { clockFaces, gameInfo, playerLabel, resultHeadline, scoreRows, statusText } from "./display.js";
import { BLACK, WHITE, other } from "./go.js";
import { canUndo, hasBot, isPlayer, myTurn, online } from "./state.js";
import { reviewView } from "./review.js";
import { renderSocial } from "./render_social.js";
import { colorName, inviteLink, resultWords } from "./words.js";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
export const tid = (id) => $(`[data-testid="${id}"]`);

const LOBBY_TITLE = "bugout · play Go online";
const WAITING_WORDS = {
  private: ["Your private game is ready", "It starts as soon as your friend opens the link."],
  join: ["Joining your friend's game…", "One moment."],
  bot: ["Setting up the board…", "The AI takes its seat."],
  public: ["Looking for an opponent…", "You will play the next person who wants the same board size."],
};

let board = null;
let confirmShown = false;

export function mountBoard(onPoint) {
  board = new BoardView($("#board-host"), { onPoint });
}

/** The whole page; `myName` is the name typed in the lobby. */
export function render(s, myName) {
  for (const id of ["lobby", "waiting", "game"]) $(`#${id}`).hidden = id !== s.view;
  document.body.dataset.view = s.view;
  if (s.view !== "game") document.title = LOBBY_TITLE;
  const lobbyBox = tid("lobby-message");
  lobbyBox.hidden = !s.lobbyMessage;
  lobbyBox.textContent = s.lobbyMessage || "";
  if (s.waiting) renderWaiting(s.waiting);
  const box = tid("message");
  box.hidden = !s.message;
  box.textContent = s.message ? s.message.text : "";
  box.dataset.kind = s.message ? s.message.kind : "error";
  if (s.game) renderGame(s, myName);
  else if (s.view === "game" && s.statusNote) tid("status").textContent = s.statusNote;
  renderEngine(s);
  renderButtons(s);
  renderConfirm(s);
  renderSocial(s);
}

function renderWaiting({ kind, link }) {
  const [title, text] = WAITING_WORDS[kind] || WAITING_WORDS.public;
  tid("waiting-title").textContent = title;
  tid("waiting-text").textContent = text;
  const local = inviteLink(link, location.href);
  tid("invite").hidden = kind !== "private" || !local;
  if (kind === "private") tid("invite-link").value = local || "";
}

function renderGame(s, myName) {
  const g = s.game;
  const player = isPlayer(s);
  const scoring = g.phase === "scoring";
  const over = g.phase === "over";
  const showScore = (scoring || over) && g.score;
  const pending = s.pendingMove;
  const review = reviewView(s); // a finished game shown before its end
  const position = review ? review.position : g.position;
  board.setSize(g.size);
  board.render({
    cells: position.cells,
    lastMove: review ? review.lastMove : showScore ? null : g.lastMove,
    dead: new Set(!review && (scoring || (over && g.score)) ? g.dead.map((p) => `${p.x},${p.y}`) : []),
    territory: showScore && !review ? { black: g.score.blackTerritory, white: g.score.whiteTerritory } : null,
    ghost: myTurn(s) ? g.yourColor : null,
    interactive: (myTurn(s) && !pending) || (scoring && player),
    pending: pending && pending.coord ? { ...pending.coord, color: pending.color } : null,
    mode: scoring ? "scoring" : "play",
  });
  const section = $("#game");
  section.dataset.phase = g.phase;
  section.dataset.role = player ? "player" : "spectator";
  section.dataset.yourColor = g.yourColor || "";
  section.dataset.gameId = g.id;
  section.dataset.turn = String(g.moves.length);
  section.dataset.version = String(g.version);

  for (const color of [BLACK, WHITE]) {
    const card = tid(`player-${color}`);
    card.classList.toggle("to-play", g.phase === "playing" && g.playerUp === color);
    card.classList.toggle("me", g.yourColor === color);
    tid(`name-${color}`).textContent = playerLabel(s, color, myName);
    tid(`captures-${color}`).textContent = String(position.captures[color] || 0);
    tid(`accepted-${color}`).hidden = !(scoring && g.accepted.includes(color));
  }
  // Mine at the bottom (next to the controls on a phone, under the board's right side on a desk).
  const bottom = g.yourColor || BLACK;
  tid("players").append(tid(`player-${other(bottom)}`), tid(`player-${bottom}`));

  tid("status").textContent = statusText(s);
  tid("status").hidden = over;
  if (s.view === "game") document.title = `${myTurn(s) ? "● Your move · " : ""}bugout`;
  renderClocks(s, performance.now());

  tid("undo-prompt").hidden = !(player && g.phase === "playing" && g.undoRequestedBy &&
    g.undoRequestedBy !== g.yourColor);
  tid("claim-prompt").hidden = !(player && g.claimableBy === g.yourColor && !over);
  tid("controls").hidden = over || !player;
  tid("scoring").hidden = !scoring;
  if (scoring) {
    renderScore(tid("score"), g.score);
    const button = tid("accept-score");
    button.hidden = !player;
    button.textContent = player && g.accepted.includes(g.yourColor)
      ? "Accepted: waiting for your opponent" : "Accept the score";
    tid("scoring-hint").textContent = player
      ? "Click a group to mark it dead or alive. When the count is right, accept it."
      : "The players are marking dead stones and agreeing on the count.";
  }
  tid("result").hidden = !over;
  if (over) {
    tid("result-headline").textContent = resultHeadline(s);
    tid("result-text").textContent = resultWords(g.result, g.endReason);
    const final = tid("final-score");
    final.hidden = !g.score;
    if (g.score) renderScore(final, g.score);
    const sgf = tid("sgf-link");
    sgf.href = `/games/${encodeURIComponent(g.id)}.sgf`;
    sgf.setAttribute("download", `bugout-${g.id}.sgf`);
    tid("new-game").textContent = s.watchId ? "Play a game" : "New game";
  }
  tid("share").hidden = !player || over;
  tid("spectator-link").value = `${location.origin}/?watch=${encodeURIComponent(g.id)}`;
  tid("game-info").textContent = gameInfo(s);
}

function renderScore(dl, score) {
  dl.replaceChildren();
  if (!score) return;
  const { rows, result } = scoreRows(score);
  for (const { color, total, detail } of rows) {
    const dt = document.createElement("dt");
    dt.innerHTML = `<i class="stone-icon ${color.toLowerCase()}" aria-hidden="true"></i>`;
    dt.append(colorName(color));
    const dd = document.createElement("dd");
    dd.dataset.testid = `score-${color}`;
    const b = document.createElement("b");
    b.textContent = String(total);
    const small = document.createElement("small");
    small.textContent = detail;
    dd.append(b, " ", small);
    dl.append(dt, dd);
  }
  const dt = document.createElement("dt");
  dt.textContent = "Result";
  const dd = document.createElement("dd");
  dd.dataset.testid = "score-result";
  dd.textContent = result;
  dl.append(dt, dd);
}

/** The clocks alone: app.js ticks them between events. */
export function renderClocks(s, now) {
  const faces = clockFaces(s.game, now);
  for (const color of [BLACK, WHITE]) {
    const box = tid(`clock-${color}`);
    const face = faces[color];
    box.hidden = !face;
    if (!face) continue;
    box.textContent = face.text;
    box.classList.toggle("running", face.running);
    box.classList.toggle("low", face.low);
    box.classList.toggle("flagged", face.flagged);
  }
}

export function renderEngine(s) {
  const banner = tid("engine-status");
  const { status, since, available } = s.idle;
  const relevant = s.view === "lobby" || s.view === "waiting" || hasBot(s.game);
  if (status === STATUS.booting && relevant) {
    const started = since ? Date.parse(since) : NaN;
    const secs = Number.isFinite(started) ? Math.max(0, Math.round((Date.now() - started) / 1000)) : 0;
    banner.hidden = false;
    banner.textContent = `BUGOUT is initializing (${secs}s). The AI will move as soon as it is ready.`;
  } else {
    banner.hidden = true;
  }
  tid("engine-line").textContent = !available
    ? "The AI is not available on this server right now (no engine answers). Games with people work as usual."
    : status === STATUS.online
      ? "GNU Go is awake and ready. From beginner to strong club player."
      : status === STATUS.booting
        ? "GNU Go is starting up…"
        : "GNU Go, from beginner to strong club player. It wakes up when you start.";
}

function renderButtons(s) {
  const on = online(s);
  for (const button of $$("button[data-action], .cards button[type=submit]")) {
    if (["retry", "confirm-no", "copy", "new-game"].includes(button.dataset.action)) continue;
    if (button.dataset.action && button.dataset.action.startsWith("review-")) continue; // drawn by render_social
    button.disabled = !on;
  }
  tid("play-ai").disabled = !on || !s.idle.available;
  const g = s.game;
  if (!g) return;
  const player = isPlayer(s);
  tid("pass").disabled = !on || !myTurn(s) || Boolean(s.pendingMove);
  tid("undo").disabled = !on || !canUndo(s) || Boolean(s.pendingMove);
  tid("resign").disabled = !on || !player || !["playing", "scoring"].includes(g.phase);
  tid("quit").disabled = !on || !player || g.phase === "over";
  tid("accept-score").disabled = !on || !player || g.accepted.includes(g.yourColor);
}

function renderConfirm(s) {
  const box = tid("confirm");
  box.hidden = !s.confirm;
  if (s.confirm) $(".confirm-text", box).textContent = s.confirm.text;
  if (s.confirm && !confirmShown) tid("confirm-no").focus();
  confirmShown = Boolean(s.confirm);
}

/** The connection pill in the top bar. */
export function renderConnection(state) {
  const pill = tid("connection-state");
  pill.dataset.state = state;
  $(".conn-text", pill).textContent = state === "online" ? "Online" : state === "reconnecting" ? "Reconnecting…" : "Connecting…";
}
