// The lobby's forms: what they say as commands, the clock fields they show, the choices kept for
// next time. The *Of functions are pure (Node tests them); the rest reads the page when called.

import { WHITE } from "./go.js";
import { saved } from "./saved.js";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
const number = (value) => Number(value || 0);

/** {kind, mainMin, incrementS, periods, periodS} as typed -> the command's timeControl (or null). */
export function timeControlOf(fields) {
  const { kind } = fields;
  const mainS = number(fields.mainMin) * 60;
  if (kind === "fischer") return { kind, mainS, incrementS: number(fields.incrementS) };
  if (kind === "byoyomi") return { kind, mainS, periods: Math.max(1, number(fields.periods)), periodS: number(fields.periodS) };
  return null;
}

/** Each form's fields -> {command, pending}: what to send, and what the page waits for. */
export function quickMatchOf({ size }) {
  const boardSize = Number(size);
  return { command: { type: "FindPublicGame", boardSize }, pending: { kind: "public", boardSize } };
}

export function privateGameOf({ size, clock }) {
  const command = { type: "CreatePrivateGame", boardSize: Number(size) };
  const tc = timeControlOf(clock);
  if (tc) command.timeControl = tc;
  return { command, pending: { kind: "private", boardSize: command.boardSize } };
}

export function botGameOf({ botColor, size, level, stars, handicap, komi, clock }) {
  const command = {
    type: "AttachBot",
    player: botColor || WHITE,
    boardSize: Number(size),
    bot: level || "KataGoOneStar",
    handicap: number(handicap),
  };
  if (komi !== "" && komi !== undefined && komi !== null) command.komi = Number(komi);
  const tc = timeControlOf(clock);
  if (tc) command.timeControl = tc;
  // The stars name the AI on its card until the GameState says botStrength.
  const pending = { kind: "bot", boardSize: command.boardSize, botColor: command.player, stars: Number(stars) || null };
  return { command, pending };
}

// -- reading the page -------------------------------------------------------------------------

function radioValue(root, name) {
  const checked = root.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : null;
}

function clockFields(prefix) {
  const box = $(`fieldset[data-tc="${prefix}"]`);
  const value = (name) => $(`input[name=${name}]`, box).value;
  return {
    kind: $("select[name=kind]", box).value,
    mainMin: value("mainMin"),
    incrementS: value("incrementS"),
    periods: value("periods"),
    periodS: value("periodS"),
  };
}

export function colorPref() {
  return radioValue(document, "color-pref") || "Any";
}

const FORMS = {
  "quick-form": (form) => quickMatchOf({ size: radioValue(form, "quick-size") }),
  "friend-form": (form) => privateGameOf({ size: radioValue(form, "friend-size"), clock: clockFields("friend") }),
  "ai-form": (form) => botGameOf({
    botColor: radioValue(form, "ai-bot-color"),
    size: radioValue(form, "ai-size"),
    level: radioValue(form, "ai-level"),
    stars: ($("input[name=ai-level]:checked", form) || { dataset: {} }).dataset.stars,
    handicap: $("select[name=handicap]", form).value,
    komi: $("input[name=komi]", form).value,
    clock: clockFields("ai"),
  }),
};

export function syncTimeControlFields() {
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

const PREFS = {
  colorPref: "color-pref",
  quickSize: "quick-size",
  friendSize: "friend-size",
  aiSize: "ai-size",
  aiLevel: "ai-level",
  aiBotColor: "ai-bot-color",
};

function savePrefs() {
  const prefs = {};
  for (const [key, name] of Object.entries(PREFS)) prefs[key] = radioValue(document, name);
  prefs.colorPref = colorPref();
  saved.set("prefs", prefs);
}

function restorePrefs() {
  const prefs = saved.get("prefs", {});
  for (const [key, name] of Object.entries(PREFS)) {
    const value = prefs[key];
    if (!value) continue;
    const input = $(`input[name="${name}"][value="${CSS.escape(String(value))}"]`);
    if (input) input.checked = true;
  }
  $("#name").value = saved.get("name", "") || "";
}

/** Fill the forms with last time's choices and call onCreate({command, pending}) on a submit;
 * onName(name) when the name changes. */
export function bindLobby({ onCreate, onName }) {
  restorePrefs();
  syncTimeControlFields();
  $$("fieldset.tc select").forEach((select) => select.addEventListener("change", syncTimeControlFields));
  for (const [id, read] of Object.entries(FORMS)) {
    $(`#${id}`).addEventListener("submit", (event) => {
      event.preventDefault();
      savePrefs();
      onCreate(read(event.target));
    });
  }
  $("#name").addEventListener("input", (event) => {
    saved.set("name", event.target.value.trim());
    onName();
  });
}
