// Telling a player it is their move while the tab is in the background: a short tone and/or a
// notification, each a setting that is off by default. Browsers allow sound and ask for the
// notification permission only after a gesture, so both are set up in the click that turns
// them on. `log` records each alert (the browser tests read it).

export const log = [];
let audio = null;

/** Called from the settings' change event (a user gesture). Returns a note for the page. */
export async function enable(setting) {
  if (setting === "sound") {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return "This browser cannot play sounds.";
    audio = audio || new Context();
    await audio.resume().catch(() => {});
    return "";
  }
  if (setting === "notify") {
    if (!("Notification" in window)) return "This browser has no notifications.";
    const answer = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
    return answer === "granted" ? "" : "Notifications are blocked for this site in your browser's settings.";
  }
  return "";
}

function tone() {
  if (!audio) return;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = 660;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.25);
}

/** It became the player's move: alert as the settings say, if the page is not being looked at. */
export function yourMove(settings, text = "Your move") {
  if (document.visibilityState === "visible") return;
  if (settings.sound) {
    tone();
    log.push("sound");
  }
  if (settings.notify && "Notification" in window && Notification.permission === "granted") {
    const note = new Notification("bugout", { body: text, tag: "bugout-move" });
    note.onclick = () => {
      window.focus();
      note.close();
    };
    log.push("notification");
  }
}
