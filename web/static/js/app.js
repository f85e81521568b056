// The page: lobby, waiting room, game, scoring and result, driven by server events.
// protocol.js carries the messages, board.js draws, go.js replays moves; this file decides.

import { Connection } from "./protocol.js";
import { BoardView } from "./board.js";
import { BLACK, WHITE, Position, other, pointName } from "./go.js";

// -- small helpers ------------------------------------------------------------------------------

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
const tid = (id) => $(`[data-testid="${id}"]`);

const saved = {
  get(name, fallback = null) {
    try {
      const raw = localStorage.getItem(`bugout.${name}`);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (_) {
      return fallback;
    }
  },
  set(name, value) {
    try {
      localStorage.setItem(`bugout.${name}`, JSON.stringify(value));
    } catch (_) {
      /* private mode: nothing kept */
    }
  },
  drop(name) {
    try {
      localStorage.removeItem(`bugout.${name}`);
    } catch (_) {
      /* ignore */
    }
  },
};

const colorName = (color) => (color === BLACK ? "Black" : "White");
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

const MOVE_REJECTED = {
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

const UNDO_REJECTED = {
  refused: "Your opponent refused the undo.",
  bot_to_move: "Wait for the AI's reply before taking back your move.",
  nothing_to_undo: "There is nothing to undo yet.",
  undo_pending: "An undo request is already waiting for an answer.",
  not_playing: "Undo is only possible during play.",
  not_a_player: "Only the players can ask for an undo.",
};

const ERRORS = {
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
  not_identified: "Still connecting…",
  nothing_to_claim: "There is no win to claim.",
};

const QUIET_RESYNC_MS = 60000;

function resultWords(result, reason) {
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

function formatSeconds(seconds) {
  const s = Math.max(0, seconds);
  if (s < 10) return s.toFixed(1);
  const whole = Math.ceil(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

// -- state --------------------------------------------------------------------------------------

const params = new URLSearchParams(location.search);
const app = {
  conn: new Connection(),
  board: null,
  view: null,
  watchId: params.get("watch"),
  joinId: params.get("join"),
  joinSent: false,
  gameId: null, // the game this client plays (or is waiting for)
  game: null, // the model of the shown game
  waiting: null, // {kind: "public"|"private"|"join", link}
  pendingCreate: null, // {kind: "public"|"private"|"bot", settings}
  pendingMove: null, // {reqId, x, y, color, timer}
  reconnectReq: null,
  seen: new Set(),
  confirm: null,
  idle: { status: null, since: null, available: true },
  message: null,
  log: [], // the last events received, for debugging
  heardAt: 0, // when the shown game last sent an event
};
window.bugout = app; // for debugging from the console (and the browser tests)

function playerGame() {
  return saved.get("game");
}

function rememberGame(gameId) {
  app.gameId = gameId;
  saved.set("game", { id: gameId });
}

function forgetGame() {
  app.gameId = null;
  saved.drop("game");
  clearPending();
}

// -- the model ----------------------------------------------------------------------------------

function emptyGame(id, size, extra = {}) {
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
    clocksAt: 0,
    undoRequestedBy: null,
    claimableBy: null,
    provisional: true,
    ...extra,
  };
}

function fromSnapshot(s) {
  const game = emptyGame(s.gameId, s.boardSize, {
    phase: s.phase,
    version: s.version,
    position: Position.fromStones(s.boardSize, s.stones, s.captures),
    moves: s.moves || [],
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
    clocksAt: performance.now(),
    undoRequestedBy: s.undoRequestedBy,
    claimableBy: s.claimableBy,
    provisional: false,
  });
  const last = game.moves[game.moves.length - 1];
  game.lastMove = last && last.coord ? last.coord : null;
  return game;
}

const isPlayer = () => Boolean(app.game && app.game.yourColor && !app.watchId);
const myTurn = () => isPlayer() && app.game.phase === "playing" && app.game.playerUp === app.game.yourColor;
const hasBot = () => app.game && (app.game.players.BLACK === "bot" || app.game.players.WHITE === "bot");

function opponentLabel(color) {
  const g = app.game;
  if (g.players[color] === "bot") {
    const stars = g.botStrength || 1;
    return `GNU Go ${"★".repeat(stars)}`;
  }
  if (!isPlayer()) return colorName(color);
  if (color === g.yourColor) {
    const name = (saved.get("name") || "").trim();
    return name ? `${name} (you)` : "You";
  }
  return g.players[color] ? "Opponent" : "Waiting…";
}

// -- views --------------------------------------------------------------------------------------

function show(view) {
  app.view = view;
  for (const id of ["lobby", "waiting", "game"]) $(`#${id}`).hidden = id !== view;
  document.body.dataset.view = view;
  renderEngine();
  if (view !== "game") document.title = "bugout · play Go online";
}

function showLobby(message = null) {
  show("lobby");
  const box = tid("lobby-message");
  box.hidden = !message;
  box.textContent = message || "";
  updateButtons();
}

function showWaiting(kind, link = null) {
  app.waiting = { kind, link };
  show("waiting");
  const title = tid("waiting-title");
  const text = tid("waiting-text");
  const invite = tid("invite");
  if (kind === "private") {
    title.textContent = "Your private game is ready";
    text.textContent = "It starts as soon as your friend opens the link.";
    invite.hidden = !link;
    tid("invite-link").value = link || "";
  } else if (kind === "join") {
    title.textContent = "Joining your friend's game…";
    text.textContent = "One moment.";
    invite.hidden = true;
  } else if (kind === "bot") {
    title.textContent = "Setting up the board…";
    text.textContent = "The AI takes its seat.";
    invite.hidden = true;
  } else {
    title.textContent = "Looking for an opponent…";
    text.textContent = "You will play the next person who wants the same board size.";
    invite.hidden = true;
  }
}

/** The invitation link on this page's own origin (the server's may name another host). */
function inviteLink(serverLink) {
  if (!serverLink) return null;
  const compact = new URL(serverLink, location.href).searchParams.get("join");
  return compact ? `${location.origin}/?join=${encodeURIComponent(compact)}` : serverLink;
}

function setMessage(text, kind = "error") {
  app.message = text ? { text, kind } : null;
  const box = tid("message");
  if (!box) return;
  box.hidden = !text;
  box.textContent = text || "";
  box.dataset.kind = kind;
  if (app.view === "lobby" && text) {
    const lobbyBox = tid("lobby-message");
    lobbyBox.hidden = false;
    lobbyBox.textContent = text;
  }
}

let toastTimer = null;
function toast(text) {
  const box = tid("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.hidden = true;
  }, 2200);
}

function renderGame() {
  const g = app.game;
  if (!g) return;
  if (app.view !== "game") show("game");
  const board = app.board;
  board.setSize(g.size);
  const scoring = g.phase === "scoring";
  const over = g.phase === "over";
  const showScore = (scoring || over) && g.score;
  board.render({
    cells: g.position.cells,
    lastMove: showScore ? null : g.lastMove,
    dead: new Set(scoring || (over && g.score) ? g.dead.map((p) => `${p.x},${p.y}`) : []),
    territory: showScore ? { black: g.score.blackTerritory, white: g.score.whiteTerritory } : null,
    ghost: myTurn() ? g.yourColor : null,
    interactive: (myTurn() && !app.pendingMove) || (scoring && isPlayer()),
    pending: app.pendingMove && app.pendingMove.coord
      ? { ...app.pendingMove.coord, color: app.pendingMove.color } : null,
    mode: scoring ? "scoring" : "play",
  });
  const section = $("#game");
  section.dataset.phase = g.phase;
  section.dataset.role = isPlayer() ? "player" : "spectator";
  section.dataset.yourColor = g.yourColor || "";
  section.dataset.gameId = g.id;
  section.dataset.turn = String(g.moves.length);
  section.dataset.version = String(g.version);

  for (const color of [BLACK, WHITE]) {
    const card = tid(`player-${color}`);
    card.classList.toggle("to-play", g.phase === "playing" && g.playerUp === color);
    card.classList.toggle("me", g.yourColor === color);
    tid(`name-${color}`).textContent = opponentLabel(color);
    tid(`captures-${color}`).textContent = String(g.position.captures[color] || 0);
    tid(`accepted-${color}`).hidden = !(scoring && g.accepted.includes(color));
  }
  // Mine at the bottom (next to the controls on a phone, under the board's right side on a desk).
  const players = tid("players");
  const bottom = g.yourColor || BLACK;
  players.append(tid(`player-${other(bottom)}`), tid(`player-${bottom}`));

  tid("status").textContent = statusText();
  tid("status").hidden = over;
  document.title = `${myTurn() ? "● Your move · " : ""}bugout`;
  renderClocks();

  tid("undo-prompt").hidden = !(isPlayer() && g.phase === "playing" && g.undoRequestedBy &&
    g.undoRequestedBy !== g.yourColor);
  tid("claim-prompt").hidden = !(isPlayer() && g.claimableBy === g.yourColor && !over);
  tid("controls").hidden = over || !isPlayer();
  tid("scoring").hidden = !scoring;
  if (scoring) {
    renderScore(tid("score"), g.score);
    const accepted = isPlayer() && g.accepted.includes(g.yourColor);
    const button = tid("accept-score");
    button.hidden = !isPlayer();
    button.textContent = accepted ? "Accepted: waiting for your opponent" : "Accept the score";
    tid("scoring-hint").textContent = isPlayer()
      ? "Click a group to mark it dead or alive. When the count is right, accept it."
      : "The players are marking dead stones and agreeing on the count.";
  }
  tid("result").hidden = !over;
  if (over) {
    const words = resultWords(g.result, g.endReason);
    let headline = "Game over";
    if (isPlayer() && g.result && /^[BW]\+/.test(g.result)) {
      headline = g.result[0] === g.yourColor[0] ? "You win!" : "You lose";
    }
    tid("result-headline").textContent = headline;
    tid("result-text").textContent = words;
    const final = tid("final-score");
    final.hidden = !g.score;
    if (g.score) renderScore(final, g.score);
    const sgf = tid("sgf-link");
    sgf.href = `/games/${encodeURIComponent(g.id)}.sgf`;
    sgf.setAttribute("download", `bugout-${g.id}.sgf`);
    tid("new-game").textContent = app.watchId ? "Play a game" : "New game";
  }
  tid("share").hidden = !isPlayer() || over;
  tid("spectator-link").value = `${location.origin}/?watch=${encodeURIComponent(g.id)}`;
  const info = [`${g.size}×${g.size}`];
  if (g.komi !== null && g.komi !== undefined) info.push(`komi ${g.komi}`);
  if (g.handicap) info.push(`handicap ${g.handicap}`);
  if (g.rules) info.push(`${g.rules} rules`);
  if (g.clocks && g.clocks.control && g.clocks.control.kind !== "none") info.push(clockDescription(g.clocks.control));
  if (!isPlayer()) info.unshift("Watching");
  tid("game-info").textContent = info.join(" · ");
  updateButtons();
}

function clockDescription(control) {
  if (control.kind === "fischer") return `${formatSeconds(control.mainS)} + ${control.incrementS}s Fischer`;
  if (control.kind === "byoyomi") {
    return `${formatSeconds(control.mainS)} + ${control.periods}×${control.periodS}s byo-yomi`;
  }
  return "no clock";
}

function statusText() {
  const g = app.game;
  const last = g.moves[g.moves.length - 1];
  const lastWasPass = last && !last.coord;
  switch (g.phase) {
    case "waiting":
      return "Waiting for an opponent…";
    case "colors":
      return "Choosing colours…";
    case "scoring":
      return isPlayer() ? "Both passed: mark the dead stones, then accept the score." : "Counting the score…";
    case "over":
      return resultWords(g.result, g.endReason);
    default: {
      let passNote = "";
      if (lastWasPass) passNote = `${colorName(last.player)} passed. `;
      else if (last) passNote = `${colorName(last.player)} played ${pointName(g.size, last.coord.x, last.coord.y)}. `;
      if (!isPlayer()) return `${passNote}${colorName(g.playerUp)} to play.`;
      if (myTurn()) {
        return `${passNote}Your turn (${colorName(g.yourColor)}).${lastWasPass ? " Pass too to end the game." : ""}`;
      }
      if (g.players[g.playerUp] === "bot") return `${passNote}GNU Go is thinking…`;
      return `${passNote}Waiting for ${colorName(g.playerUp)}…`;
    }
  }
}

function renderScore(dl, score) {
  dl.replaceChildren();
  if (!score) return;
  const area = score.scoring === "area";
  const rows = [
    [BLACK, score.black, area
      ? `${score.blackStones} stones + ${score.blackTerritory.length} territory`
      : `${score.blackTerritory.length} territory + ${score.blackPrisoners} prisoners`],
    [WHITE, score.white, area
      ? `${score.whiteStones} stones + ${score.whiteTerritory.length} territory + ${score.komi} komi`
      : `${score.whiteTerritory.length} territory + ${score.whitePrisoners} prisoners + ${score.komi} komi`],
  ];
  for (const [color, total, detail] of rows) {
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
  dd.textContent = `${score.result} (${area ? "area" : "territory"} scoring)`;
  dl.append(dt, dd);
}

// -- clocks -------------------------------------------------------------------------------------

function clockReading(side, control, elapsed) {
  if (control.kind === "fischer") return { main: Math.max(0, side.remainingS - elapsed), byo: false };
  const periodS = control.periodS;
  let periods = side.periodsLeft;
  const main = side.remainingS;
  if (elapsed < main) return { main: main - elapsed, byo: false, periods, period: periodS };
  let over = elapsed - main;
  const first = main > 0 ? periodS : (side.periodRemainingS ?? periodS);
  if (over < first) return { main: 0, byo: true, periods, period: first - over };
  over -= first;
  periods -= 1 + Math.floor(over / periodS);
  if (periods <= 0) return { main: 0, byo: true, periods: 0, period: 0 };
  return { main: 0, byo: true, periods, period: periodS - (over % periodS) };
}

function renderClocks() {
  const g = app.game;
  for (const color of [BLACK, WHITE]) {
    const box = tid(`clock-${color}`);
    const side = g && g.clocks && g.clocks[color];
    if (!side || !g.clocks.control || g.clocks.control.kind === "none") {
      box.hidden = true;
      continue;
    }
    box.hidden = false;
    const running = g.phase === "playing" && g.clocks.running === color;
    const elapsed = running ? (performance.now() - g.clocksAt) / 1000 : 0;
    const r = g.clocks.flagged === color ? { main: 0, byo: true, periods: 0, period: 0 }
      : clockReading(side, g.clocks.control, elapsed);
    let text;
    let low;
    if (g.clocks.control.kind === "fischer") {
      text = formatSeconds(r.main);
      low = r.main < 20;
    } else if (!r.byo) {
      text = `${formatSeconds(r.main)} +${r.periods}×${g.clocks.control.periodS}s`;
      low = false;
    } else {
      text = `${formatSeconds(r.period)} · ${plural(r.periods, "period")}`;
      low = r.period < 10 || r.periods <= 1;
    }
    box.textContent = text;
    box.classList.toggle("running", running);
    box.classList.toggle("low", low && running);
    box.classList.toggle("flagged", g.clocks.flagged === color);
  }
}

// -- buttons ------------------------------------------------------------------------------------

function updateButtons() {
  const online = app.conn.online;
  const g = app.game;
  for (const button of $$("button[data-action], .cards button[type=submit]")) {
    const action = button.dataset.action;
    if (["retry", "confirm-no", "copy", "new-game"].includes(action)) continue;
    button.disabled = !online;
  }
  tid("play-ai").disabled = !online || !app.idle.available;
  if (!g) return;
  const playing = g.phase === "playing" && isPlayer();
  tid("pass").disabled = !online || !myTurn() || Boolean(app.pendingMove);
  const mine = g.moves.some((m) => m.player === g.yourColor);
  const last = g.moves[g.moves.length - 1];
  const prev = g.moves[g.moves.length - 2];
  const undoable = hasBot()
    ? Boolean(last && prev && last.player !== g.yourColor && prev.player === g.yourColor)
    : mine && !g.undoRequestedBy;
  tid("undo").disabled = !online || !playing || !undoable || Boolean(app.pendingMove);
  tid("resign").disabled = !online || !isPlayer() || !["playing", "scoring"].includes(g.phase);
  tid("quit").disabled = !online || !isPlayer() || g.phase === "over";
  tid("accept-score").disabled = !online || !isPlayer() || g.accepted.includes(g.yourColor);
}

function askConfirm(text, action) {
  app.confirm = action;
  const box = tid("confirm");
  $(".confirm-text", box).textContent = text;
  box.hidden = false;
  tid("confirm-no").focus();
}

function closeConfirm() {
  app.confirm = null;
  tid("confirm").hidden = true;
}

function send(command) {
  if (!app.conn.send(command)) {
    setMessage("Not connected. Waiting for the connection to come back…");
    return false;
  }
  return true;
}

function clearPending() {
  if (app.pendingMove) clearTimeout(app.pendingMove.timer);
  app.pendingMove = null;
}

function playAt(x, y) {
  const g = app.game;
  if (!g) return;
  if (!isPlayer()) {
    setMessage("You are watching this game.", "info");
    return;
  }
  if (g.phase === "scoring") {
    if (!g.position.get(x, y)) return;
    send({ type: "ToggleDead", gameId: g.id, coord: { x, y } });
    return;
  }
  if (g.phase !== "playing" || app.pendingMove) return;
  if (!myTurn()) {
    setMessage(MOVE_REJECTED.not_your_turn);
    return;
  }
  if (g.position.get(x, y)) {
    setMessage(MOVE_REJECTED.occupied);
    return;
  }
  makeMove({ x, y });
}

function makeMove(coord) {
  const g = app.game;
  const command = { type: "MakeMove", gameId: g.id, player: g.yourColor, coord };
  const reqId = app.conn.request(command);
  if (!reqId) {
    setMessage("Not connected. Waiting for the connection to come back…");
    return;
  }
  setMessage(null);
  // No answer in time: send the very same request again (the server answers a reqId once, so a
  // move that was judged is only announced again, and one lost on the way is judged now); if
  // that too goes unanswered, fetch the whole game.
  const timer = setTimeout(() => {
    if (!app.pendingMove || app.pendingMove.reqId !== reqId) return;
    app.conn.send({ ...command, reqId });
    app.pendingMove.timer = setTimeout(() => {
      if (app.pendingMove && app.pendingMove.reqId === reqId) {
        clearPending();
        send({ type: "ProvideGameState", gameId: g.id });
        renderGame();
      }
    }, 8000);
  }, 5000);
  app.pendingMove = { reqId, timer, coord, color: g.yourColor };
  renderGame();
}

function onAction(action, button) {
  const g = app.game;
  switch (action) {
    case "retry":
      app.conn.retryNow();
      break;
    case "copy": {
      const input = document.getElementById(button.dataset.target);
      copyText(input);
      break;
    }
    case "cancel-wait":
      if (app.gameId) send({ type: "QuitGame", gameId: app.gameId });
      forgetGame();
      app.pendingCreate = null;
      app.waiting = null;
      showLobby();
      break;
    case "pass":
      if (myTurn() && !app.pendingMove) makeMove(null);
      break;
    case "undo":
      if (isPlayer()) {
        send({ type: "UndoMove", gameId: g.id, player: g.yourColor });
        if (!hasBot()) setMessage("Undo requested. Waiting for your opponent…", "info");
      }
      break;
    case "undo-accept":
    case "undo-refuse":
      send({ type: "AnswerUndo", gameId: g.id, accept: action === "undo-accept" });
      g.undoRequestedBy = null;
      renderGame();
      break;
    case "claim":
      send({ type: "ClaimWin", gameId: g.id });
      break;
    case "resign":
      askConfirm("Resign this game?", () => send({ type: "Resign", gameId: g.id }));
      break;
    case "quit":
      askConfirm("Leave the game? It counts as a loss.", () => send({ type: "QuitGame", gameId: g.id }));
      break;
    case "confirm-yes": {
      const act = app.confirm;
      closeConfirm();
      if (act) act();
      break;
    }
    case "confirm-no":
      closeConfirm();
      break;
    case "accept-score":
      send({ type: "AcceptScore", gameId: g.id, version: g.version });
      break;
    case "new-game":
      newGame();
      break;
    default:
      break;
  }
}

function newGame() {
  forgetGame();
  app.game = null;
  app.seen.clear();
  if (app.watchId) {
    app.watchId = null;
    history.replaceState(null, "", "/");
  }
  closeConfirm();
  setMessage(null);
  showLobby();
}

function copyText(input) {
  const text = input.value;
  const fallback = () => {
    input.focus();
    input.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (_) {
      ok = false;
    }
    toast(ok ? "Link copied" : "Select the link and copy it");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => toast("Link copied"), fallback);
  } else {
    fallback();
  }
}

// -- lobby forms --------------------------------------------------------------------------------

function radioValue(form, name) {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : null;
}

function timeControl(prefix) {
  const box = $(`fieldset[data-tc="${prefix}"]`);
  const kind = $("select[name=kind]", box).value;
  const number = (name) => Number($(`input[name=${name}]`, box).value || 0);
  if (kind === "fischer") return { kind, mainS: number("mainMin") * 60, incrementS: number("incrementS") };
  if (kind === "byoyomi") {
    return { kind, mainS: number("mainMin") * 60, periods: Math.max(1, number("periods")), periodS: number("periodS") };
  }
  return null;
}

function syncTimeControlFields() {
  for (const box of $$("fieldset.tc")) {
    const kind = $("select[name=kind]", box).value;
    box.dataset.kind = kind;
    for (const label of $$(".tc-main, .tc-fischer, .tc-byoyomi", box)) {
      const hide = kind === "none" || (label.classList.contains("tc-fischer") && kind !== "fischer") ||
        (label.classList.contains("tc-byoyomi") && kind !== "byoyomi");
      label.hidden = hide;
      $("input", label).disabled = hide;
    }
  }
}

function colorPref() {
  return radioValue(document, "color-pref") || "Any";
}

function savePrefs() {
  saved.set("prefs", {
    colorPref: colorPref(),
    quickSize: radioValue(document, "quick-size"),
    friendSize: radioValue(document, "friend-size"),
    aiSize: radioValue(document, "ai-size"),
    aiLevel: radioValue(document, "ai-level"),
    aiBotColor: radioValue(document, "ai-bot-color"),
  });
}

function restorePrefs() {
  const prefs = saved.get("prefs", {});
  const pick = (name, value) => {
    if (!value) return;
    const input = $(`input[name="${name}"][value="${CSS.escape(String(value))}"]`);
    if (input) input.checked = true;
  };
  pick("color-pref", prefs.colorPref);
  pick("quick-size", prefs.quickSize);
  pick("friend-size", prefs.friendSize);
  pick("ai-size", prefs.aiSize);
  pick("ai-level", prefs.aiLevel);
  pick("ai-bot-color", prefs.aiBotColor);
  $("#name").value = saved.get("name", "") || "";
}

function startQuick(event) {
  event.preventDefault();
  savePrefs();
  const boardSize = Number(radioValue(event.target, "quick-size"));
  if (!send({ type: "FindPublicGame", boardSize })) return;
  app.pendingCreate = { kind: "public", boardSize };
  showWaiting("public");
}

function startFriend(event) {
  event.preventDefault();
  savePrefs();
  const command = { type: "CreatePrivateGame", boardSize: Number(radioValue(event.target, "friend-size")) };
  const tc = timeControl("friend");
  if (tc) command.timeControl = tc;
  if (!send(command)) return;
  app.pendingCreate = { kind: "private", boardSize: command.boardSize };
  showWaiting("private");
}

function startBot(event) {
  event.preventDefault();
  savePrefs();
  const form = event.target;
  const command = {
    type: "AttachBot",
    player: radioValue(form, "ai-bot-color") || WHITE,
    boardSize: Number(radioValue(form, "ai-size")),
    bot: radioValue(form, "ai-level") || "KataGoOneStar",
    handicap: Number($("select[name=handicap]", form).value || 0),
  };
  const komi = $("input[name=komi]", form).value;
  if (komi !== "") command.komi = Number(komi);
  const tc = timeControl("ai");
  if (tc) command.timeControl = tc;
  if (!send(command)) return;
  app.pendingCreate = { kind: "bot", boardSize: command.boardSize, botColor: command.player,
    stars: Number(($("input[name=ai-level]:checked", form) || {}).dataset?.stars) || null };
  showWaiting("bot");
}

// -- connection ---------------------------------------------------------------------------------

let bannerTimer = null;
function onConnectionState(state) {
  const pill = tid("connection-state");
  pill.dataset.state = state;
  $(".conn-text", pill).textContent = state === "online" ? "Online" : state === "reconnecting" ? "Reconnecting…" : "Connecting…";
  const banner = tid("connection-banner");
  clearInterval(bannerTimer);
  if (state === "reconnecting") {
    banner.hidden = false;
    const tick = () => {
      const wait = app.conn.nextRetryAt ? Math.max(0, Math.ceil((app.conn.nextRetryAt - Date.now()) / 1000)) : 0;
      $(".banner-text", banner).textContent = app.conn.ws
        ? "Connection lost. Reconnecting…"
        : `Connection lost. Reconnecting${wait ? ` in ${wait}s` : ""}…`;
    };
    tick();
    bannerTimer = setInterval(tick, 500);
  } else if (state === "connecting") {
    bannerTimer = setTimeout(() => {
      if (app.conn.state !== "online") {
        banner.hidden = false;
        $(".banner-text", banner).textContent = "Cannot reach the server yet. Retrying…";
      }
    }, 3000);
  } else {
    banner.hidden = true;
  }
  if (state !== "online") clearPending();
  updateButtons();
  if (app.game) renderGame();
}

function onOnline() {
  send({ type: "ProvideIdleStatus" });
  if (app.watchId) {
    send({ type: "WatchGame", gameId: app.watchId });
    return;
  }
  if (app.joinId && !app.joinSent) {
    app.joinSent = true;
    send({ type: "JoinPrivateGame", gameId: app.joinId });
    history.replaceState(null, "", "/");
    showWaiting("join");
    return;
  }
  if (app.gameId) {
    const g = app.game;
    const command = { type: "Reconnect", gameId: app.gameId };
    if (g && g.id === app.gameId && !g.provisional && g.version) command.sinceVersion = g.version;
    app.reconnectReq = app.conn.request(command);
    return;
  }
  if (app.pendingCreate) {
    // The request may have been lost with the connection: a public search is safe to repeat.
    if (app.pendingCreate.kind === "public") {
      send({ type: "FindPublicGame", boardSize: app.pendingCreate.boardSize });
    } else {
      app.pendingCreate = null;
      showLobby("The connection dropped while creating the game. Please try again.");
    }
  }
}

// -- events -------------------------------------------------------------------------------------

function fresh(event) {
  if (event.eventId) {
    if (app.seen.has(event.eventId)) return false;
    app.seen.add(event.eventId);
  }
  return true;
}

function bumpVersion(event) {
  if (app.game && typeof event.version === "number" && event.version > app.game.version) {
    app.game.version = event.version;
  }
}

const mine = (event) => app.game && event.gameId === app.game.id;

function requestState() {
  if (app.game) send({ type: "ProvideGameState", gameId: app.game.id });
}

const handlers = {
  IdentityAcknowledged() {
    onOnline();
  },

  IdleStatusProvided(e) {
    // `status` says whether the service answers; this page shows the AI engine's own state.
    const engine = e.engine || e;
    app.idle = { status: engine.status, since: engine.since, available: engine.available !== false };
    renderEngine();
  },

  WaitForOpponent(e) {
    if (app.watchId) return;
    rememberGame(e.gameId);
    const kind = e.visibility === "Private" ? "private" : "public";
    app.pendingCreate = null;
    app.game = null;
    showWaiting(kind, inviteLink(e.link));
  },

  GameReady(e) {
    if (app.watchId) return;
    rememberGame(e.gameId);
    app.pendingCreate = null;
    if (!app.game || app.game.id !== e.gameId) {
      app.game = emptyGame(e.gameId, e.boardSize, { version: e.version });
      app.seen.clear();
    }
    send({ type: "ChooseColorPref", gameId: e.gameId, colorPref: colorPref() });
    setMessage(null);
    renderGame();
  },

  PrivateGameRejected() {
    app.joinId = null;
    forgetGame();
    showLobby("That invitation link is not valid any more: it was already used, it expired, or it is mistyped.");
  },

  BotAttached(e) {
    if (app.watchId) return;
    rememberGame(e.gameId);
    const settings = app.pendingCreate || { boardSize: 19 };
    app.pendingCreate = null;
    app.seen.clear();
    app.game = emptyGame(e.gameId, settings.boardSize, {
      phase: "playing",
      version: e.version,
      players: { BLACK: e.player === BLACK ? "bot" : "human", WHITE: e.player === WHITE ? "bot" : "human" },
      botStrength: settings.stars || null,
    });
    setMessage(null);
    renderGame(); // YourColor follows, and asks for the whole state
  },

  YourColor(e) {
    if (!mine(e)) return;
    app.game.yourColor = e.yourColor;
    if (app.game.phase === "colors") app.game.phase = "playing";
    bumpVersion(e);
    renderGame();
    requestState();
  },

  GameState(e) {
    const watching = app.watchId && e.gameId === app.watchId;
    if (!watching && e.gameId !== app.gameId) return;
    const current = app.game && app.game.id === e.gameId ? app.game : null;
    if (current && !current.provisional && e.version < current.version) {
      requestState();
      return;
    }
    if (!watching && e.phase === "waiting") {
      showWaiting(e.visibility === "Private" ? "private" : "public", inviteLink(e.link));
      return;
    }
    app.game = fromSnapshot(e);
    if (watching) app.game.yourColor = null;
    clearPending();
    if (!watching && e.phase === "colors") {
      send({ type: "ChooseColorPref", gameId: e.gameId, colorPref: colorPref() });
    }
    renderGame();
  },

  Reconnected(e) {
    if (e.gameId !== app.gameId) return;
    if (!app.game || app.game.id !== e.gameId) app.game = null;
  },

  MoveMade(e) {
    if (!mine(e) || !fresh(e)) return;
    const g = app.game;
    const expected = g.moves.length + 1;
    if (e.turn < expected) return; // already known
    if (e.turn > expected) {
      requestState();
      return;
    }
    g.moves.push({ player: e.player, coord: e.coord, turn: e.turn });
    if (g.phase === "scoring") {
      g.dead = [];
      g.accepted = [];
      g.score = null;
    }
    g.phase = "playing";
    if (e.coord) {
      g.position.set(e.coord.x, e.coord.y, e.player);
      g.position.remove(e.captured || []);
      g.position.captures[e.player] += (e.captured || []).length;
    }
    g.lastMove = e.coord;
    g.playerUp = e.playerUp;
    g.turn = e.turn;
    g.undoRequestedBy = null;
    if (e.clocks !== undefined) {
      g.clocks = e.clocks;
      g.clocksAt = performance.now();
    }
    bumpVersion(e);
    if (app.pendingMove && e.replyTo === app.pendingMove.reqId) {
      clearPending();
      setMessage(null);
    } else if (e.player !== g.yourColor && app.message && app.message.kind !== "info") {
      setMessage(null);
    }
    renderGame();
  },

  MoveRejected(e) {
    // Only the answer to the move just sent: a catch-up after reconnecting replays old ones.
    if (!mine(e) || !app.pendingMove || e.replyTo !== app.pendingMove.reqId) return;
    clearPending();
    setMessage(MOVE_REJECTED[e.reason] || `Move refused: ${e.message || e.reason}`);
    renderGame();
  },

  ScoringPhase(e) {
    if (!mine(e) || !fresh(e)) return;
    const g = app.game;
    if (typeof e.version === "number" && e.version < g.version) return;
    g.phase = "scoring";
    g.dead = e.dead || [];
    g.accepted = e.accepted || [];
    g.score = e.score;
    if (g.clocks) g.clocks = { ...g.clocks, running: null };
    bumpVersion(e);
    renderGame();
  },

  GameOver(e) {
    if (!mine(e) || !fresh(e)) return;
    const g = app.game;
    g.phase = "over";
    g.result = e.result;
    g.endReason = e.reason;
    if (e.score) g.score = e.score;
    else if (e.reason !== "score") g.score = null;
    if (g.clocks) {
      g.clocks = { ...g.clocks, running: null };
      if (e.reason === "timeout") requestState();
    }
    g.undoRequestedBy = null;
    g.claimableBy = null;
    clearPending();
    closeConfirm();
    bumpVersion(e);
    renderGame();
  },

  MoveUndone(e) {
    if (!mine(e)) return;
    const g = app.game;
    if (typeof e.version === "number" && e.version <= g.version && g.moves.length === e.moves.length) return;
    g.moves = e.moves;
    g.position = Position.replay(g.size, g.handicapStones, e.moves);
    const last = e.moves[e.moves.length - 1];
    g.lastMove = last && last.coord ? last.coord : null;
    g.playerUp = e.playerUp;
    g.turn = e.turn;
    g.undoRequestedBy = null;
    g.phase = "playing";
    bumpVersion(e);
    setMessage(null);
    clearPending();
    renderGame();
    if (g.clocks) requestState();
  },

  UndoRequested(e) {
    if (!mine(e)) return;
    app.game.undoRequestedBy = e.player;
    bumpVersion(e);
    renderGame();
  },

  UndoRejected(e) {
    if (!mine(e)) return;
    if (app.game.undoRequestedBy === app.game.yourColor) app.game.undoRequestedBy = null;
    setMessage(UNDO_REJECTED[e.reason] || "The undo was not possible.");
    renderGame();
  },

  OpponentQuit(e) {
    if (!mine(e)) return;
    setMessage("Your opponent left the game.", "info");
  },

  OpponentAbsent(e) {
    if (!mine(e)) return;
    app.game.claimableBy = e.claimableBy;
    bumpVersion(e);
    renderGame();
  },

  OpponentReturned(e) {
    if (!mine(e)) return;
    app.game.claimableBy = null;
    setMessage("Your opponent is back.", "info");
    bumpVersion(e);
    renderGame();
  },

  Error(e) {
    const code = e.code;
    if (code === "colors_already_chosen") return;
    if (e.replyTo && e.replyTo === app.reconnectReq && ["unknown_game", "not_a_player"].includes(code)) {
      forgetGame();
      app.game = null;
      showLobby("Your last game is no longer available.");
      return;
    }
    if (app.watchId && code === "unknown_game") {
      app.watchId = null;
      history.replaceState(null, "", "/");
      app.game = null;
      showLobby("There is no such game to watch (it may have ended more than a day ago).");
      return;
    }
    if (app.pendingMove && e.replyTo === app.pendingMove.reqId) clearPending();
    if (app.view === "waiting" && app.pendingCreate) {
      app.pendingCreate = null;
      showLobby(code === "bad_settings" ? `${ERRORS.bad_settings} (${e.message})` : ERRORS[code] || e.message);
      return;
    }
    const text = ERRORS[code] || e.message || "Something went wrong.";
    if (app.view === "lobby") showLobby(text);
    else setMessage(text);
    if (app.game) renderGame();
  },
};

function renderEngine() {
  const banner = tid("engine-status");
  const line = tid("engine-line");
  const { status, since } = app.idle;
  const relevant = app.view === "lobby" || app.view === "waiting" || (app.game && hasBot());
  if (status === "Booting" && relevant) {
    const started = since ? Date.parse(since) : NaN;
    const secs = Number.isFinite(started) ? Math.max(0, Math.round((Date.now() - started) / 1000)) : 0;
    banner.hidden = false;
    banner.textContent = `BUGOUT is initializing (${secs}s). The AI will move as soon as it is ready.`;
  } else {
    banner.hidden = true;
  }
  tid("play-ai").disabled = !app.conn.online || !app.idle.available;
  line.textContent = !app.idle.available
    ? "The AI is not available on this server right now (no engine answers). Games with people work as usual."
    : status === "Online"
    ? "GNU Go is awake and ready. From beginner to strong club player."
    : status === "Booting"
      ? "GNU Go is starting up…"
      : "GNU Go, from beginner to strong club player. It wakes up when you start.";
}

// -- start --------------------------------------------------------------------------------------

function start() {
  app.board = new BoardView($("#board-host"), { onPoint: playAt });
  restorePrefs();
  syncTimeControlFields();
  $$("fieldset.tc select").forEach((s) => s.addEventListener("change", syncTimeControlFields));
  $("#quick-form").addEventListener("submit", startQuick);
  $("#friend-form").addEventListener("submit", startFriend);
  $("#ai-form").addEventListener("submit", startBot);
  $("#name").addEventListener("input", (e) => {
    saved.set("name", e.target.value.trim());
    if (app.game) renderGame();
  });
  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-action]");
    if (button && !button.disabled) onAction(button.dataset.action, button);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && app.confirm) closeConfirm();
  });

  for (const [type, fn] of Object.entries(handlers)) app.conn.on(type, fn);
  app.conn.on("*", (event) => {
    app.log.push(event);
    if (app.log.length > 100) app.log.shift();
    if (app.game && event.gameId === app.game.id) app.heardAt = performance.now();
  });
  app.conn.onState(onConnectionState);

  const stored = playerGame();
  if (app.watchId) {
    show("game");
    tid("status").textContent = "Loading the game…";
  } else if (app.joinId) {
    showWaiting("join");
  } else if (stored && stored.id) {
    app.gameId = stored.id;
    show("game");
    tid("status").textContent = "Returning to your game…";
  } else {
    showLobby();
  }
  renderEngine();
  updateButtons();
  setInterval(() => {
    if (app.game && app.game.clocks && app.game.phase === "playing") renderClocks();
  }, 100);
  setInterval(() => {
    if (app.idle.status === "Booting") renderEngine();
  }, 1000);
  // A safety net: events can be lost (a Redis hiccup on the server's side); after a quiet
  // minute in a live game, ask for the whole state once more.
  setInterval(() => {
    const g = app.game;
    if (!g || !app.conn.online || !["playing", "scoring", "colors"].includes(g.phase)) return;
    if (performance.now() - app.heardAt > QUIET_RESYNC_MS) {
      app.heardAt = performance.now();
      requestState();
    }
  }, 5000);
  app.conn.start();
}

start();
