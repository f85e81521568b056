// What the page keeps in localStorage (under "bugout."): the game it plays, the name, the lobby's
// choices. Storage may be blocked (private mode): then nothing is kept.

export const saved = {
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
