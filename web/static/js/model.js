// How each event changes the page's state. Pure (no DOM, storage or socket): Node tests it.
// `reduce(state, event, ctx)` returns the next state and the effects app.js carries out:
//   {type: "send", command}   {type: "remember", gameId}   {type: "forget"}   {type: "clearUrl"}
// Server events are PascalCase (docs/protocol.md); the page's own actions are camelCase.
// ctx is what a reducer may read of the world: now() in ms, newId() for a reqId, colorPref().

import { BLACK, WHITE, Position } from "./go.js";
import { ERRORS, MOVE_REJECTED, NOT_CONNECTED, UNDO_REJECTED } from "./words.js";
import {
  chooseColor, emptyGame, firstSight, forgetGame, fromSnapshot, hasBot, isPlayer, mine, rememberGame,
  requestState, send, setMessage, showGame, showLobby, showWaiting, stoppedClocks, versionAfter, withGame,
} from "./state.js";

import { reviewActions } from "./review.js";
import { socialActions, socialEvents } from "./social.js";

export * from "./state.js";

// -- the connection and the lobby -----------------------------------------------------------

function onOnline(s, ctx, fx) {
  send(fx, { type: "ProvideIdleStatus" });
  if (s.watchId) {
    send(fx, { type: "WatchGame", gameId: s.watchId });
    return s;
  }
  if (s.joinId && !s.joinSent) {
    send(fx, { type: "JoinPrivateGame", gameId: s.joinId });
    fx.push({ type: "clearUrl" });
    return showWaiting({ ...s, joinSent: true }, "join");
  }
  if (s.gameId) {
    const g = s.game;
    const command = { type: "Reconnect", gameId: s.gameId, reqId: ctx.newId() };
    if (g && g.id === s.gameId && !g.provisional && g.version) command.sinceVersion = g.version;
    send(fx, command);
    return { ...s, reconnectReq: command.reqId };
  }
  if (s.pendingCreate) {
    // The request may have been lost with the connection: a public search is safe to repeat.
    if (s.pendingCreate.kind === "public") {
      send(fx, { type: "FindPublicGame", boardSize: s.pendingCreate.boardSize });
    } else {
      return showLobby({ ...s, pendingCreate: null }, "The connection dropped while creating the game. Please try again.");
    }
  }
  return s;
}

const lobbyEvents = {
  IdentityAcknowledged: (s, e, ctx, fx) => onOnline(s, ctx, fx),

  IdleStatusProvided(s, e) {
    // `status` says whether the service answers; the page shows the AI engine's own state.
    const engine = e.engine || e;
    return { ...s, idle: { status: engine.status, since: engine.since, available: engine.available !== false } };
  },

  WaitForOpponent(s, e, ctx, fx) {
    if (s.watchId) return s;
    const next = { ...rememberGame(s, e.gameId, fx), pendingCreate: null, game: null };
    return showWaiting(next, e.visibility === "Private" ? "private" : "public", e.link);
  },

  GameReady(s, e, ctx, fx) {
    if (s.watchId) return s;
    let next = { ...rememberGame(s, e.gameId, fx), pendingCreate: null };
    if (!next.game || next.game.id !== e.gameId) {
      next = { ...next, game: emptyGame(e.gameId, e.boardSize, { version: e.version }), seen: new Set() };
    }
    chooseColor(fx, e.gameId, ctx);
    return showGame(setMessage(next, null));
  },

  PrivateGameRejected(s, e, ctx, fx) {
    return showLobby(forgetGame({ ...s, joinId: null }, fx),
      "That invitation link is not valid any more: it was already used, it expired, or it is mistyped.");
  },

  BotAttached(s, e, ctx, fx) {
    if (s.watchId) return s;
    const settings = s.pendingCreate || { boardSize: 19 };
    const game = emptyGame(e.gameId, settings.boardSize, {
      phase: "playing",
      version: e.version,
      players: { BLACK: e.player === BLACK ? "bot" : "human", WHITE: e.player === WHITE ? "bot" : "human" },
      botStrength: settings.stars || null,
    });
    const next = { ...rememberGame(s, e.gameId, fx), pendingCreate: null, seen: new Set(), game };
    return showGame(setMessage(next, null)); // YourColor follows, and asks for the whole state
  },

  Error(s, e, ctx, fx) {
    const code = e.code;
    if (code === "colors_already_chosen") return s;
    if (e.replyTo && e.replyTo === s.reconnectReq && ["unknown_game", "not_a_player"].includes(code)) {
      return showLobby({ ...forgetGame(s, fx), game: null }, "Your last game is no longer available.");
    }
    if (s.watchId && code === "unknown_game") {
      fx.push({ type: "clearUrl" });
      return showLobby({ ...s, watchId: null, game: null },
        "There is no such game to watch (it may have ended more than a day ago).");
    }
    let next = s;
    if (s.pendingMove && e.replyTo === s.pendingMove.reqId) next = { ...next, pendingMove: null };
    if (next.view === "waiting" && next.pendingCreate) {
      const text = code === "bad_settings" ? `${ERRORS.bad_settings} (${e.message})` : ERRORS[code] || e.message;
      return showLobby({ ...next, pendingCreate: null }, text);
    }
    const text = ERRORS[code] || e.message || "Something went wrong.";
    next = next.view === "lobby" ? showLobby(next, text) : setMessage(next, text);
    return showGame(next);
  },
};

// -- the game -------------------------------------------------------------------------------

const gameEvents = {
  YourColor(s, e, ctx, fx) {
    if (!mine(s, e)) return s;
    const g = s.game;
    const next = withGame(s, {
      yourColor: e.yourColor, phase: g.phase === "colors" ? "playing" : g.phase, version: versionAfter(g, e),
    });
    requestState(next, fx);
    return showGame(next);
  },

  GameState(s, e, ctx, fx) {
    const watching = Boolean(s.watchId && e.gameId === s.watchId);
    if (!watching && e.gameId !== s.gameId) return s;
    const current = s.game && s.game.id === e.gameId ? s.game : null;
    if (current && !current.provisional && e.version < current.version) {
      requestState(s, fx);
      return s;
    }
    if (!watching && e.phase === "waiting") return showWaiting(s, e.visibility === "Private" ? "private" : "public", e.link);
    const game = fromSnapshot(e, ctx.now());
    if (watching) game.yourColor = null;
    if (!watching && e.phase === "colors") chooseColor(fx, e.gameId, ctx);
    return showGame({ ...s, game, pendingMove: null });
  },

  Reconnected(s, e) {
    if (e.gameId !== s.gameId) return s;
    return s.game && s.game.id === e.gameId ? s : { ...s, game: null };
  },

  MoveMade(s, e, ctx, fx) {
    if (!mine(s, e)) return s;
    const seen = firstSight(s, e);
    if (!seen) return s;
    const g = seen.game;
    const expected = g.moves.length + 1;
    if (e.turn < expected) return seen; // already known
    if (e.turn > expected) {
      requestState(seen, fx);
      return seen;
    }
    const position = g.position.copy();
    if (e.coord) {
      const captured = e.captured || [];
      position.set(e.coord.x, e.coord.y, e.player);
      position.remove(captured);
      position.captures[e.player] += captured.length;
    }
    const resumed = g.phase === "scoring" ? { dead: [], accepted: [], score: null } : {};
    let next = withGame(seen, {
      ...resumed,
      moves: [...g.moves, { player: e.player, coord: e.coord, turn: e.turn }],
      phase: "playing",
      position,
      lastMove: e.coord,
      playerUp: e.playerUp,
      turn: e.turn,
      undoRequestedBy: null,
      version: versionAfter(g, e),
      ...(e.clocks !== undefined ? { clocks: e.clocks, clocksAt: ctx.now() } : {}),
    });
    if (s.pendingMove && e.replyTo === s.pendingMove.reqId) {
      next = setMessage({ ...next, pendingMove: null }, null);
    } else if (e.player !== g.yourColor && s.message && s.message.kind !== "info") {
      next = setMessage(next, null);
    }
    return showGame(next);
  },

  MoveRejected(s, e) {
    // Only the answer to the move just sent: a catch-up after reconnecting replays old ones.
    if (!mine(s, e) || !s.pendingMove || e.replyTo !== s.pendingMove.reqId) return s;
    return showGame(setMessage({ ...s, pendingMove: null }, MOVE_REJECTED[e.reason] || `Move refused: ${e.message || e.reason}`));
  },

  ScoringPhase(s, e) {
    if (!mine(s, e)) return s;
    const seen = firstSight(s, e);
    if (!seen) return s;
    const g = seen.game;
    if (typeof e.version === "number" && e.version < g.version) return seen;
    return showGame(withGame(seen, {
      phase: "scoring",
      dead: e.dead || [],
      accepted: e.accepted || [],
      score: e.score,
      clocks: stoppedClocks(g.clocks), // the server stops them while counting; ScoringPhase has none
      version: versionAfter(g, e),
    }));
  },

  GameOver(s, e, ctx, fx) {
    if (!mine(s, e)) return s;
    const seen = firstSight(s, e);
    if (!seen) return s;
    const g = seen.game;
    let score = g.score;
    if (e.score) score = e.score;
    else if (e.reason !== "score") score = null;
    // GameOver has no clocks: after a timeout the whole state shows whose flag fell.
    if (g.clocks && e.reason === "timeout") requestState(seen, fx);
    const next = withGame(seen, {
      phase: "over",
      result: e.result,
      endReason: e.reason,
      score,
      clocks: stoppedClocks(g.clocks),
      undoRequestedBy: null,
      claimableBy: null,
      version: versionAfter(g, e),
    });
    return showGame({ ...next, pendingMove: null, confirm: null });
  },

  MoveUndone(s, e, ctx, fx) {
    if (!mine(s, e)) return s;
    const g = s.game;
    if (typeof e.version === "number" && e.version <= g.version && g.moves.length === e.moves.length) return s;
    const last = e.moves[e.moves.length - 1];
    let clocks = {};
    if (e.clocks !== undefined) clocks = { clocks: e.clocks, clocksAt: ctx.now() };
    else if (g.clocks) requestState(s, fx); // a server that does not send them
    const next = withGame(s, {
      moves: e.moves,
      position: Position.replay(g.size, g.handicapStones, e.moves),
      lastMove: last && last.coord ? last.coord : null,
      playerUp: e.playerUp,
      turn: e.turn,
      undoRequestedBy: null,
      phase: "playing",
      version: versionAfter(g, e),
      ...clocks,
    });
    return showGame(setMessage({ ...next, pendingMove: null }, null));
  },

  UndoRequested(s, e) {
    if (!mine(s, e)) return s;
    return showGame(withGame(s, { undoRequestedBy: e.player, version: versionAfter(s.game, e) }));
  },

  UndoRejected(s, e) {
    if (!mine(s, e)) return s;
    const g = s.game;
    const next = g.undoRequestedBy === g.yourColor ? withGame(s, { undoRequestedBy: null }) : s;
    return showGame(setMessage(next, UNDO_REJECTED[e.reason] || "The undo was not possible."));
  },

  OpponentQuit(s, e) {
    if (!mine(s, e)) return s;
    return setMessage(s, "Your opponent left the game.", "info");
  },

  OpponentAbsent(s, e) {
    if (!mine(s, e)) return s;
    return showGame(withGame(s, { claimableBy: e.claimableBy, version: versionAfter(s.game, e) }));
  },

  OpponentReturned(s, e) {
    if (!mine(s, e)) return s;
    const next = withGame(s, { claimableBy: null, version: versionAfter(s.game, e) });
    return showGame(setMessage(next, "Your opponent is back.", "info"));
  },
};

// -- the page's own actions -----------------------------------------------------------------

const pageActions = {
  connection: (s, a) => showGame({ ...s, connection: a.state, pendingMove: a.state === "online" ? s.pendingMove : null }),
  sendFailed: (s) => setMessage(s, NOT_CONNECTED),
  nameChanged: (s) => showGame(s),
  /** A lobby form was sent: {pending: {kind, boardSize, ...}}. */
  creating: (s, a) => showWaiting({ ...s, pendingCreate: a.pending }, a.pending.kind),
  cancelWait(s, a, ctx, fx) {
    if (s.gameId) send(fx, { type: "QuitGame", gameId: s.gameId });
    return showLobby({ ...forgetGame(s, fx), pendingCreate: null, waiting: null });
  },
  moveSent: (s, a) => showGame({ ...setMessage(s, null), pendingMove: { reqId: a.reqId, coord: a.coord, color: a.color } }),
  /** The move went unanswered twice: fetch the whole game. */
  moveTimedOut(s, a, ctx, fx) {
    if (!s.pendingMove || s.pendingMove.reqId !== a.reqId) return s;
    requestState(s, fx);
    return showGame({ ...s, pendingMove: null });
  },
  message: (s, a) => setMessage(s, a.text, a.kind),
  confirmYes(s, a, ctx, fx) {
    if (s.confirm) send(fx, s.confirm.command);
    return { ...s, confirm: null };
  },
  confirmNo: (s) => ({ ...s, confirm: null }),
  newGame(s, a, ctx, fx) {
    let next = { ...forgetGame(s, fx), game: null, seen: new Set(), confirm: null };
    if (next.watchId) {
      next = { ...next, watchId: null };
      fx.push({ type: "clearUrl" });
    }
    return showLobby(setMessage(next, null));
  },
};

/** Buttons of the game view, which can show before its game has arrived. */
const gameActions = {
  undo(s, a, ctx, fx) {
    if (!isPlayer(s)) return s;
    send(fx, { type: "UndoMove", gameId: s.game.id, player: s.game.yourColor });
    return hasBot(s.game) ? s : setMessage(s, "Undo requested. Waiting for your opponent…", "info");
  },
  answerUndo(s, a, ctx, fx) {
    send(fx, { type: "AnswerUndo", gameId: s.game.id, accept: a.accept });
    return showGame(withGame(s, { undoRequestedBy: null }));
  },
  claim(s, a, ctx, fx) {
    send(fx, { type: "ClaimWin", gameId: s.game.id });
    return s;
  },
  resign: (s) => ({ ...s, confirm: { text: "Resign this game?", command: { type: "Resign", gameId: s.game.id } } }),
  quit: (s) => ({
    ...s, confirm: { text: "Leave the game? It counts as a loss.", command: { type: "QuitGame", gameId: s.game.id } },
  }),
  acceptScore(s, a, ctx, fx) {
    send(fx, { type: "AcceptScore", gameId: s.game.id, version: s.game.version });
    return s;
  },
};

const withAGame = Object.fromEntries(
  Object.entries(gameActions).map(([type, act]) => [type, (s, ...rest) => (s.game ? act(s, ...rest) : s)]));
const reducers = {
  ...lobbyEvents, ...gameEvents, ...socialEvents, ...pageActions, ...socialActions, ...reviewActions, ...withAGame,
};

/** The state after `event` (a server event or a page action), and the effects it asks for. */
export function reduce(state, event, ctx) {
  const fx = [];
  const reducer = Object.hasOwn(reducers, event.type) ? reducers[event.type] : null;
  const next = reducer ? reducer(state, event, ctx, fx) : state;
  return { state: next, effects: fx };
}

export const handledEvents = Object.keys({ ...lobbyEvents, ...gameEvents, ...socialEvents });
