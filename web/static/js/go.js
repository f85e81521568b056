// Just enough of the rules to show a position: placing stones and taking captures. Legality
// is the server's business; this only replays moves the server already accepted.

export const BLACK = "BLACK";
export const WHITE = "WHITE";
export const other = (color) => (color === BLACK ? WHITE : BLACK);

/** Column letters as on a real board: A..T without I. */
export const LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ";

/** "D4"-style name of a 0-based point with y = 0 at the top. */
export function pointName(size, x, y) {
  return `${LETTERS[x]}${size - y}`;
}

export function starPoints(size) {
  if (size < 7) return [];
  const edge = size >= 13 ? 3 : 2;
  const far = size - 1 - edge;
  const mid = (size - 1) / 2;
  const points = [
    [edge, edge], [far, edge], [edge, far], [far, far],
  ];
  if (size % 2 === 1) points.push([mid, mid]);
  if (size >= 19) points.push([mid, edge], [mid, far], [edge, mid], [far, mid]);
  return points;
}

export class Position {
  constructor(size) {
    this.size = size;
    this.cells = new Array(size * size).fill(null);
    this.captures = { BLACK: 0, WHITE: 0 };
  }

  static fromStones(size, stones, captures) {
    const position = new Position(size);
    for (const color of [BLACK, WHITE]) {
      for (const p of (stones && stones[color]) || []) position.set(p.x, p.y, color);
    }
    if (captures) position.captures = { BLACK: captures.BLACK || 0, WHITE: captures.WHITE || 0 };
    return position;
  }

  /** The position after ``moves`` (Move JSON) from the handicap stones. */
  static replay(size, handicapStones, moves) {
    const position = new Position(size);
    for (const p of handicapStones || []) position.set(p.x, p.y, BLACK);
    for (const move of moves || []) {
      if (move.coord) position.play(move.player, move.coord.x, move.coord.y);
    }
    return position;
  }

  copy() {
    const position = new Position(this.size);
    position.cells = this.cells.slice();
    position.captures = { ...this.captures };
    return position;
  }

  inside(x, y) {
    return x >= 0 && y >= 0 && x < this.size && y < this.size;
  }

  get(x, y) {
    return this.cells[y * this.size + x];
  }

  set(x, y, color) {
    this.cells[y * this.size + x] = color;
  }

  neighbours(x, y) {
    return [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]].filter(([a, b]) => this.inside(a, b));
  }

  /** The group at (x, y) and whether it has a liberty. */
  group(x, y) {
    const color = this.get(x, y);
    const seen = new Set([y * this.size + x]);
    const stack = [[x, y]];
    const stones = [];
    let free = false;
    while (stack.length) {
      const [a, b] = stack.pop();
      stones.push({ x: a, y: b });
      for (const [c, d] of this.neighbours(a, b)) {
        const here = this.get(c, d);
        if (here === null) free = true;
        else if (here === color && !seen.has(d * this.size + c)) {
          seen.add(d * this.size + c);
          stack.push([c, d]);
        }
      }
    }
    return { color, stones, free };
  }

  remove(points) {
    for (const p of points) this.set(p.x, p.y, null);
  }

  /** Place a stone, take what it captures (and itself, for an allowed suicide). */
  play(color, x, y) {
    this.set(x, y, color);
    const taken = [];
    for (const [a, b] of this.neighbours(x, y)) {
      if (this.get(a, b) === other(color)) {
        const g = this.group(a, b);
        if (!g.free) {
          this.remove(g.stones);
          taken.push(...g.stones);
        }
      }
    }
    this.captures[color] += taken.length;
    const own = this.group(x, y);
    if (!own.free) {
      this.remove(own.stones);
      this.captures[other(color)] += own.stones.length;
    }
    return taken;
  }

  stones(color) {
    const out = [];
    for (let i = 0; i < this.cells.length; i += 1) {
      if (this.cells[i] === color) out.push({ x: i % this.size, y: Math.floor(i / this.size) });
    }
    return out;
  }
}
