// The page around the game from the state: review bar, rematch, chat, live games, settings and
// the listing of a private game. It writes the DOM (text only: textContent) and decides nothing.

import { BLACK, WHITE, pointName } from "./go.js";
import { reviewAt, reviewView, reviewable } from "./review.js";
import { ago, rematchChoice, shownLines } from "./social.js";
import { isPlayer, online } from "./state.js";
import { colorName, plural } from "./words.js";

const tid = (id) => document.querySelector(`[data-testid="${id}"]`);

const REMATCH_WORDS = {
  offer: "",
  offered: "Rematch offered. Waiting for your opponent…",
  answer: "Your opponent offers a rematch, colours swapped.",
  declined: "Your opponent declined a rematch.",
};

export function renderSocial(s) {
  renderSettings(s);
  if (s.view === "lobby") renderLive(s);
  if (!s.game) return;
  renderReview(s);
  renderRematch(s);
  renderChat(s);
  const g = s.game;
  const row = tid("listed-row");
  row.hidden = !(isPlayer(s) && g.visibility === "Private" && g.phase !== "over");
  tid("listed").checked = Boolean(g.listed);
}

function renderReview(s) {
  const box = tid("review");
  box.hidden = !reviewable(s);
  if (box.hidden) return;
  const total = s.game.moves.length;
  const at = reviewAt(s);
  const view = reviewView(s);
  const move = view ? view.move : s.game.moves[total - 1];
  let where = "";
  if (move) where = move.coord ? ` · ${colorName(move.player)} ${pointName(s.game.size, move.coord.x, move.coord.y)}` : ` · ${colorName(move.player)} passed`;
  tid("review-at").textContent = at === 0 ? `Start · ${plural(total, "move")}` : `Move ${at} / ${total}${where}`;
  const slider = tid("review-slider");
  slider.max = String(total);
  if (document.activeElement !== slider || slider.value !== String(at)) slider.value = String(at);
  tid("review-first").disabled = at === 0;
  tid("review-prev").disabled = at === 0;
  tid("review-next").disabled = at === total;
  tid("review-last").disabled = at === total;
  document.querySelector("#game").dataset.reviewAt = String(at);
}

function renderRematch(s) {
  const choice = rematchChoice(s);
  tid("rematch-box").hidden = !choice;
  if (!choice) return;
  tid("rematch-text").textContent = REMATCH_WORDS[choice];
  tid("rematch-text").hidden = choice === "offer";
  tid("rematch").hidden = choice !== "offer" && choice !== "offered";
  tid("rematch").disabled = choice === "offered" || !online(s);
  tid("rematch-accept").hidden = choice !== "answer";
  tid("rematch-decline").hidden = choice !== "answer";
}

function renderChat(s) {
  const g = s.game;
  const box = tid("chat");
  box.hidden = g.phase === "waiting";
  if (box.hidden) return;
  tid("chat-title").textContent = isPlayer(s) ? "Chat with your opponent" : "Chat (spectators; the players' words too)";
  const list = tid("chat-lines");
  const lines = shownLines(s);
  const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.replaceChildren(...lines.map((line) => {
    const li = document.createElement("li");
    li.dataset.channel = line.channel;
    li.dataset.testid = "chat-line";
    const who = document.createElement("span");
    who.className = "who";
    const you = isPlayer(s) && line.from === g.yourColor;
    who.textContent = [BLACK, WHITE].includes(line.from) ? `${you ? "You" : colorName(line.from)}:` : `${line.from}:`;
    const text = document.createElement("span");
    text.textContent = line.text;
    li.append(who, " ", text);
    return li;
  }));
  if (stick) list.scrollTop = list.scrollHeight;
  tid("chat-send").disabled = !online(s);
}

function renderLive(s) {
  const games = (s.live && s.live.games) || [];
  tid("live-empty").hidden = games.length > 0;
  tid("live-list").replaceChildren(...games.map((entry) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `/?watch=${encodeURIComponent(entry.gameId)}`;
    a.dataset.testid = "live-game";
    const size = document.createElement("span");
    size.className = "size";
    size.textContent = `${entry.boardSize}×${entry.boardSize}`;
    const who = Object.values(entry.players).includes("bot") ? `vs GNU Go ${"★".repeat(entry.botStrength || 1)}` : "two players";
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = [`move ${entry.moveNumber}`, who, liveClocks(entry.clocks), `last move ${ago(entry.lastMoveAt, s.live.now)}`]
      .filter(Boolean).join(" · ");
    const watch = document.createElement("span");
    watch.textContent = "Watch →";
    a.append(size, meta, watch);
    li.append(a);
    return li;
  }));
}

function liveClocks(clocks) {
  if (!clocks || !clocks.control || clocks.control.kind === "none") return "";
  const face = (side) => {
    const secs = Math.max(0, Math.round(side.remainingS));
    return `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`;
  };
  return `⏱ ${face(clocks.BLACK)} / ${face(clocks.WHITE)}`;
}

function renderSettings(s) {
  for (const input of document.querySelectorAll("[data-setting]")) input.checked = Boolean(s.settings[input.dataset.setting]);
}
