// What the game view says about a state: status line, names, result, info line, clocks, score
// rows. Pure (render.js puts it in the page; Node tests it).

import { BLACK, WHITE, pointName } from "./go.js";
import { isPlayer, myTurn } from "./state.js";
import { clockDescription, colorName, formatSeconds, plural, resultWords } from "./words.js";

export function statusText(s) {
  const g = s.game;
  const last = g.moves[g.moves.length - 1];
  const lastWasPass = last && !last.coord;
  switch (g.phase) {
    case "waiting":
      return "Waiting for an opponent…";
    case "colors":
      return "Choosing colours…";
    case "scoring":
      return isPlayer(s) ? "Both passed: mark the dead stones, then accept the score." : "Counting the score…";
    case "over":
      return resultWords(g.result, g.endReason);
    default: {
      let passNote = "";
      if (lastWasPass) passNote = `${colorName(last.player)} passed. `;
      else if (last) passNote = `${colorName(last.player)} played ${pointName(g.size, last.coord.x, last.coord.y)}. `;
      if (!isPlayer(s)) return `${passNote}${colorName(g.playerUp)} to play.`;
      if (myTurn(s)) {
        return `${passNote}Your turn (${colorName(g.yourColor)}).${lastWasPass ? " Pass too to end the game." : ""}`;
      }
      if (g.players[g.playerUp] === "bot") return `${passNote}GNU Go is thinking…`;
      return `${passNote}Waiting for ${colorName(g.playerUp)}…`;
    }
  }
}

/** The name on a player's card; `myName` is the one typed in the lobby. */
export function playerLabel(s, color, myName = "") {
  const g = s.game;
  if (g.players[color] === "bot") return `GNU Go ${"★".repeat(g.botStrength || 1)}`;
  if (!isPlayer(s)) return colorName(color);
  if (color === g.yourColor) {
    const name = (myName || "").trim();
    return name ? `${name} (you)` : "You";
  }
  return g.players[color] ? "Opponent" : "Waiting…";
}

export function resultHeadline(s) {
  const g = s.game;
  if (isPlayer(s) && g.result && /^[BW]\+/.test(g.result)) {
    return g.result[0] === g.yourColor[0] ? "You win!" : "You lose";
  }
  return "Game over";
}

export function gameInfo(s) {
  const g = s.game;
  const info = [`${g.size}×${g.size}`];
  if (g.komi !== null && g.komi !== undefined) info.push(`komi ${g.komi}`);
  if (g.handicap) info.push(`handicap ${g.handicap}`);
  if (g.rules) info.push(`${g.rules} rules`);
  if (g.clocks && g.clocks.control && g.clocks.control.kind !== "none") info.push(clockDescription(g.clocks.control));
  if (!isPlayer(s)) info.unshift("Watching");
  return info.join(" · ");
}

// -- clocks ---------------------------------------------------------------------------------

const FLAGGED = { main: 0, byo: true, periods: 0, period: 0 };

/** A side's clock `elapsed` seconds after the server's reading of it: the server's figures
 * counted down (main time, then what is left of the current period, then whole periods). */
export function clockReading(side, control, elapsed) {
  if (control.kind === "fischer") return { main: Math.max(0, side.remainingS - elapsed), byo: false };
  const { periodS } = control;
  const main = side.remainingS;
  let periods = side.periodsLeft;
  if (elapsed < main) return { main: main - elapsed, byo: false, periods, period: periodS };
  let over = elapsed - main;
  const current = side.periodRemainingS ?? periodS;
  if (over < current) return { main: 0, byo: true, periods, period: current - over };
  over -= current;
  periods -= 1 + Math.floor(over / periodS);
  if (periods <= 0) return FLAGGED;
  return { main: 0, byo: true, periods, period: periodS - (over % periodS) };
}

/** Each side's clock face at `now` (ms, the clock ctx.now() gave the model), or null when hidden. */
export function clockFaces(game, now) {
  const faces = { BLACK: null, WHITE: null };
  const clocks = game && game.clocks;
  if (!clocks || !clocks.control || clocks.control.kind === "none") return faces;
  const { control } = clocks;
  for (const color of [BLACK, WHITE]) {
    const side = clocks[color];
    if (!side) continue;
    const running = game.phase === "playing" && clocks.running === color;
    const flagged = clocks.flagged === color;
    const r = flagged ? FLAGGED : clockReading(side, control, running ? (now - game.clocksAt) / 1000 : 0);
    let text;
    let low;
    if (control.kind === "fischer") {
      text = formatSeconds(r.main);
      low = r.main < 20;
    } else if (!r.byo) {
      text = `${formatSeconds(r.main)} +${r.periods}×${control.periodS}s`;
      low = false;
    } else {
      text = `${formatSeconds(r.period)} · ${plural(r.periods, "period")}`;
      low = r.period < 10 || r.periods <= 1;
    }
    faces[color] = { text, running, low: low && running, flagged };
  }
  return faces;
}

// -- the count ------------------------------------------------------------------------------

/** The count as rows {color, total, detail}, then the result line. */
export function scoreRows(score) {
  const area = score.scoring === "area";
  return {
    rows: [
      { color: BLACK, total: score.black, detail: area
        ? `${score.blackStones} stones + ${score.blackTerritory.length} territory`
        : `${score.blackTerritory.length} territory + ${score.blackPrisoners} prisoners` },
      { color: WHITE, total: score.white, detail: area
        ? `${score.whiteStones} stones + ${score.whiteTerritory.length} territory + ${score.komi} komi`
        : `${score.whiteTerritory.length} territory + ${score.whitePrisoners} prisoners + ${score.komi} komi` },
    ],
    result: `${score.result} (${area ? "area" : "territory"} scoring)`,
  };
}
