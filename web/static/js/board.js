// The board as SVG: grid, star points, coordinates, stones, last-move marker, dead marks,
// territory, a hover preview and a keyboard cursor. It draws what it is given and reports
// which point was chosen; it knows nothing of the game's rules or the server.

import { BLACK, LETTERS, starPoints } from "./go.js";

const SVG = "http://www.w3.org/2000/svg";
const CELL = 100;
const MARGIN = 112;

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

const key = (x, y) => `${x},${y}`;

export class BoardView {
  /**
   * @param {HTMLElement} host where the SVG goes
   * @param {{onPoint?: (x:number,y:number)=>void}} options
   */
  constructor(host, options = {}) {
    this.host = host;
    this.onPoint = options.onPoint || (() => {});
    this.size = 0;
    this.state = { cells: [], lastMove: null, dead: new Set(), territory: null, ghost: null,
      interactive: false, pending: null, mode: "play" };
    this.hover = null;
    this.cursor = null;
    this.showCursor = false;
    this.svg = el("svg", {
      class: "board",
      "data-testid": "board",
      role: "application",
      tabindex: "0",
      "aria-roledescription": "Go board",
      preserveAspectRatio: "xMidYMid meet",
    });
    host.appendChild(this.svg);
    this.svg.addEventListener("click", (e) => this.clicked(e));
    this.svg.addEventListener("pointermove", (e) => this.moved(e));
    this.svg.addEventListener("pointerleave", () => this.setHover(null));
    this.svg.addEventListener("keydown", (e) => this.keyed(e));
    this.svg.addEventListener("focus", () => {
      if (!this.cursor) {
        const mid = Math.floor(this.size / 2);
        this.cursor = { x: mid, y: mid };
      }
      this.showCursor = this.svg.matches(":focus-visible");
      this.drawMarks();
    });
    this.svg.addEventListener("blur", () => {
      this.showCursor = false;
      this.drawMarks();
    });
  }

  at(x, y) {
    return x * CELL + MARGIN;
  }

  setSize(size) {
    if (size === this.size) return;
    this.size = size;
    this.cursor = null;
    this.hover = null;
    const span = (size - 1) * CELL + 2 * MARGIN;
    this.span = span;
    const svg = this.svg;
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${span} ${span}`);
    svg.setAttribute("data-size", String(size));
    svg.setAttribute("aria-label",
      `Go board, ${size} by ${size}. Arrow keys move the cursor; Enter or Space plays there.`);
    this.buildDefs();
    const stroke = span / 520;
    const lines = el("g", { class: "grid", stroke: "#2a1a08", "stroke-linecap": "square" }, svg);
    const end = this.at(size - 1);
    let d = "";
    for (let i = 0; i < size; i += 1) {
      const p = this.at(i);
      d += `M${MARGIN} ${p}H${end}M${p} ${MARGIN}V${end}`;
    }
    el("path", { d, "stroke-width": stroke, fill: "none", opacity: 0.82 }, lines);
    el("rect", { x: MARGIN, y: MARGIN, width: end - MARGIN, height: end - MARGIN, fill: "none",
      "stroke-width": stroke * 1.9, opacity: 0.9 }, lines);
    const stars = el("g", { class: "stars", fill: "#2a1a08" }, svg);
    for (const [x, y] of starPoints(size)) {
      el("circle", { cx: this.at(x), cy: this.at(y), r: CELL * 0.085 + stroke }, stars);
    }
    const labels = el("g", { class: "coords", fill: "#4a3214", "font-size": 34, "font-weight": 600,
      "text-anchor": "middle", "dominant-baseline": "central", "aria-hidden": "true" }, svg);
    const near = 36;
    const far = span - 36;
    for (let i = 0; i < size; i += 1) {
      const letter = LETTERS[i];
      const number = String(size - i);
      for (const [x, y, text] of [[this.at(i), near, letter], [this.at(i), far, letter],
        [near, this.at(i), number], [far, this.at(i), number]]) {
        el("text", { x, y }, labels).textContent = text;
      }
    }
    this.territoryLayer = el("g", { class: "territory" }, svg);
    this.shadowLayer = el("g", { class: "shadows", fill: "#000", opacity: 0.28 }, svg);
    this.stoneLayer = el("g", { class: "stones" }, svg);
    this.markLayer = el("g", { class: "marks", "pointer-events": "none" }, svg);
    this.hitLayer = el("g", { class: "hits", fill: "transparent" }, svg);
    for (let y = 0; y < size; y += 1) {
      for (let x = 0; x < size; x += 1) {
        el("rect", {
          x: this.at(x) - CELL / 2, y: this.at(y) - CELL / 2, width: CELL, height: CELL,
          "data-testid": `point-${x}-${y}`, "data-x": x, "data-y": y,
        }, this.hitLayer);
      }
    }
  }

  buildDefs() {
    const defs = el("defs", {}, this.svg);
    const black = el("radialGradient", { id: "stone-black", cx: "0.36", cy: "0.32", r: "0.75" }, defs);
    el("stop", { offset: "0", "stop-color": "#6b6f76" }, black);
    el("stop", { offset: "0.35", "stop-color": "#2a2c30" }, black);
    el("stop", { offset: "1", "stop-color": "#08090a" }, black);
    const white = el("radialGradient", { id: "stone-white", cx: "0.36", cy: "0.32", r: "0.8" }, defs);
    el("stop", { offset: "0", "stop-color": "#ffffff" }, white);
    el("stop", { offset: "0.55", "stop-color": "#f1efe9" }, white);
    el("stop", { offset: "1", "stop-color": "#c4c0b6" }, white);
  }

  /** Draw a new state: {cells, lastMove, dead:Set, territory:{black,white}, ghost, interactive}. */
  render(state) {
    this.state = { ...this.state, ...state };
    this.svg.classList.toggle("interactive", Boolean(this.state.interactive));
    this.svg.dataset.mode = this.state.mode || "play";
    this.drawStones();
    this.drawTerritory();
    this.drawMarks();
  }

  stoneAt(x, y) {
    return this.state.cells[y * this.size + x] || null;
  }

  drawStones() {
    const { dead } = this.state;
    const stones = this.stoneLayer;
    const shadows = this.shadowLayer;
    stones.replaceChildren();
    shadows.replaceChildren();
    const r = CELL * 0.475;
    for (let y = 0; y < this.size; y += 1) {
      for (let x = 0; x < this.size; x += 1) {
        const color = this.stoneAt(x, y);
        if (!color) continue;
        const isDead = dead.has(key(x, y));
        const cx = this.at(x);
        const cy = this.at(y);
        if (!isDead) el("circle", { cx: cx + 4, cy: cy + 6, r }, shadows);
        el("circle", {
          cx, cy, r,
          class: `stone ${color === BLACK ? "black" : "white"}${isDead ? " dead" : ""}`,
          fill: color === BLACK ? "url(#stone-black)" : "url(#stone-white)",
          stroke: color === BLACK ? "#000" : "#9d988c",
          "stroke-width": color === BLACK ? 1 : 2,
          "data-testid": "stone",
          "data-color": color,
          "data-x": x,
          "data-y": y,
          "data-dead": isDead ? "true" : "false",
        }, stones);
      }
    }
  }

  drawTerritory() {
    const layer = this.territoryLayer;
    layer.replaceChildren();
    const territory = this.state.territory;
    if (!territory) return;
    const side = CELL * 0.3;
    for (const [points, color] of [[territory.black, BLACK], [territory.white, "WHITE"]]) {
      for (const p of points || []) {
        el("rect", {
          x: this.at(p.x) - side / 2, y: this.at(p.y) - side / 2, width: side, height: side,
          rx: 3,
          class: "territory-mark",
          fill: color === BLACK ? "#111" : "#fafafa",
          stroke: color === BLACK ? "#fafafa" : "#111",
          "stroke-width": 2,
          "data-testid": "territory",
          "data-color": color,
        }, layer);
      }
    }
  }

  drawMarks() {
    if (!this.markLayer) return;
    const layer = this.markLayer;
    layer.replaceChildren();
    const { lastMove, dead, ghost, interactive, pending } = this.state;
    for (const k of dead) {
      const [x, y] = k.split(",").map(Number);
      const color = this.stoneAt(x, y);
      if (!color) continue;
      const s = CELL * 0.2;
      const stroke = color === BLACK ? "#ff8a80" : "#c62828";
      el("path", {
        d: `M${this.at(x) - s} ${this.at(y) - s}L${this.at(x) + s} ${this.at(y) + s}` +
           `M${this.at(x) + s} ${this.at(y) - s}L${this.at(x) - s} ${this.at(y) + s}`,
        stroke, "stroke-width": 9, "stroke-linecap": "round", "data-testid": "dead-mark",
      }, layer);
    }
    if (lastMove && this.stoneAt(lastMove.x, lastMove.y)) {
      const color = this.stoneAt(lastMove.x, lastMove.y);
      el("circle", {
        cx: this.at(lastMove.x), cy: this.at(lastMove.y), r: CELL * 0.19, fill: "none",
        stroke: color === BLACK ? "#f5f5f5" : "#1b1b1b", "stroke-width": 7,
        "data-testid": "last-move", "data-x": lastMove.x, "data-y": lastMove.y,
      }, layer);
    }
    if (pending && !this.stoneAt(pending.x, pending.y)) {
      this.ghostStone(layer, pending.x, pending.y, pending.color, 0.75, "pending-stone");
    }
    const spot = this.showCursor ? this.cursor : this.hover;
    if (spot && interactive && ghost && !this.stoneAt(spot.x, spot.y) && !pending) {
      this.ghostStone(layer, spot.x, spot.y, ghost, 0.5, "ghost-stone");
    }
    if (this.showCursor && this.cursor) {
      const half = CELL * 0.52;
      el("rect", {
        x: this.at(this.cursor.x) - half, y: this.at(this.cursor.y) - half, width: 2 * half, height: 2 * half,
        rx: 10, fill: "none", stroke: "#1565c0", "stroke-width": 8, "data-testid": "board-cursor",
      }, layer);
    }
  }

  ghostStone(layer, x, y, color, opacity, testid) {
    el("circle", {
      cx: this.at(x), cy: this.at(y), r: CELL * 0.47, opacity,
      fill: color === BLACK ? "url(#stone-black)" : "url(#stone-white)",
      stroke: color === BLACK ? "#000" : "#9d988c", "stroke-width": 2, "data-testid": testid,
    }, layer);
  }

  pointOf(event) {
    const target = event.target;
    if (target && target.dataset && target.dataset.x !== undefined && target.closest(".hits")) {
      return { x: Number(target.dataset.x), y: Number(target.dataset.y) };
    }
    const matrix = this.svg.getScreenCTM();
    if (!matrix) return null;
    const pt = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const x = Math.round((pt.x - MARGIN) / CELL);
    const y = Math.round((pt.y - MARGIN) / CELL);
    return x >= 0 && y >= 0 && x < this.size && y < this.size ? { x, y } : null;
  }

  clicked(event) {
    const point = this.pointOf(event);
    if (!point) return;
    this.cursor = point;
    this.onPoint(point.x, point.y);
  }

  moved(event) {
    if (event.pointerType === "touch") return;
    this.setHover(this.pointOf(event));
  }

  setHover(point) {
    const same = point && this.hover && point.x === this.hover.x && point.y === this.hover.y;
    if (same || (!point && !this.hover)) return;
    this.hover = point;
    this.drawMarks();
  }

  keyed(event) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (!this.size) return;
    if (!this.cursor) {
      const mid = Math.floor(this.size / 2);
      this.cursor = { x: mid, y: mid };
    }
    if (moves[event.key]) {
      const [dx, dy] = moves[event.key];
      this.cursor = {
        x: Math.min(this.size - 1, Math.max(0, this.cursor.x + dx)),
        y: Math.min(this.size - 1, Math.max(0, this.cursor.y + dy)),
      };
      this.showCursor = true;
      event.preventDefault();
      this.drawMarks();
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.showCursor = true;
      this.onPoint(this.cursor.x, this.cursor.y);
    } else if (event.key === "Escape") {
      this.showCursor = false;
      this.drawMarks();
    }
  }
}
