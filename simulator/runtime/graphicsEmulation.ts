// The Graphics object `g` of display boards: a 1-bit framebuffer. It has exactly the fonts of
// the board's Espruino build (BoardFacts.fonts); any other name throws `Unknown font "<name>"`
// as Espruino 2v29 does. Every bitmap font is drawn with the 6x8 glyphs resampled to its cell
// (4x6, 6x8, 6x15, 12x20 ...), at integer scales; "Vector" sizes give a cell of that height. Besides the pixels it keeps the strings
// currently drawn, so tests and the tester's command can read the screen as text; the pixels
// go to a PNG with pngjs.
import { writeFileSync } from "node:fs";
import { PNG } from "pngjs";
import { FONT_CELL_HEIGHT, FONT_CELL_WIDTH, glyphColumns } from "./font6x8.js";

interface DrawnText {
  x: number;
  y: number;
  width: number;
  height: number;
  text: string;
}

export class GraphicsEmulation {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
  private readonly fonts: readonly string[];
  private scale = 1;
  private cellWidth = FONT_CELL_WIDTH;
  private cellHeight = FONT_CELL_HEIGHT;
  private color = 1;
  private texts: DrawnText[] = [];
  /** Number of g.flip() calls: what reached the LCD. */
  flips = 0;
  onFlip: () => void = () => {};

  constructor(width: number, height: number, fonts: readonly string[]) {
    this.fonts = fonts;
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height);
  }

  /** The object the firmware sees as `g`. Methods chain like Espruino's. */
  api(): Record<string, unknown> {
    const g: Record<string, unknown> = {};
    const self = this;
    Object.assign(g, {
      getWidth: () => self.width,
      getHeight: () => self.height,
      clear: () => {
        self.pixels.fill(0);
        self.texts = [];
        return g;
      },
      setColor: (c: number) => {
        self.color = c ? 1 : 0;
        return g;
      },
      setBgColor: () => g,
      setFontAlign: () => g,
      setFont: (name: string, scale?: number) => {
        self.setFont(String(name), scale);
        return g;
      },
      setFontVector: (size: number) => {
        self.setFont("Vector", size);
        return g;
      },
      stringWidth: (text: string) => String(text).length * self.cellWidth * self.scale,
      getFonts: () => [...self.fonts],
      drawString: (text: string, x: number, y: number) => {
        self.drawString(String(text), Math.round(x), Math.round(y));
        return g;
      },
      setPixel: (x: number, y: number) => {
        self.plot(Math.round(x), Math.round(y), self.color);
        return g;
      },
      drawRect: (x1: number, y1: number, x2: number, y2: number) => {
        for (let x = x1; x <= x2; x++) {
          self.plot(x, y1, self.color);
          self.plot(x, y2, self.color);
        }
        for (let y = y1; y <= y2; y++) {
          self.plot(x1, y, self.color);
          self.plot(x2, y, self.color);
        }
        return g;
      },
      fillRect: (x1: number, y1: number, x2: number, y2: number) => {
        self.fill(x1, y1, x2, y2, self.color);
        return g;
      },
      clearRect: (x1: number, y1: number, x2: number, y2: number) => {
        self.fill(x1, y1, x2, y2, 0);
        return g;
      },
      flip: () => {
        self.flips++;
        self.onFlip();
      },
    });
    return g;
  }

  private setFont(name: string, scale: number | undefined): void {
    if (!this.fonts.includes(name)) throw new Error(`Unknown font ${JSON.stringify(name)}`);
    if (name === "Vector") {
      const height = Math.max(4, Math.round(scale ?? 8));
      this.scale = 1;
      this.cellHeight = height;
      this.cellWidth = Math.max(3, Math.round(height * 0.6));
      return;
    }
    const cell = /^(\d+)x(\d+)$/.exec(name);
    const height = cell ? Number(cell[2]) : Number(name);
    this.cellHeight = height;
    this.cellWidth = cell ? Number(cell[1]) : Math.round(height * 0.6);
    this.scale = Math.max(1, Math.round(scale ?? 1));
  }

  private plot(x: number, y: number, value: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels[y * this.width + x] = value;
  }

  private fill(x1: number, y1: number, x2: number, y2: number, value: number): void {
    for (let y = Math.max(0, y1); y <= Math.min(this.height - 1, y2); y++)
      for (let x = Math.max(0, x1); x <= Math.min(this.width - 1, x2); x++) this.pixels[y * this.width + x] = value;
    this.texts = this.texts.filter((t) => t.x > x2 || t.x + t.width <= x1 || t.y > y2 || t.y + t.height <= y1);
  }

  private drawString(text: string, x: number, y: number): void {
    const s = this.scale;
    const w = this.cellWidth;
    const h = this.cellHeight;
    for (let i = 0; i < text.length; i++) {
      const columns = glyphColumns(text[i]);
      // Resample the 5x7 glyph (in its 6x8 cell) to this font's cell.
      for (let px = 0; px < w; px++)
        for (let py = 0; py < h; py++) {
          const cx = Math.floor((px * FONT_CELL_WIDTH) / w);
          const cy = Math.floor((py * FONT_CELL_HEIGHT) / h);
          if (cx < columns.length && (columns[cx] >> cy) & 1)
            for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) this.plot(x + (i * w + px) * s + dx, y + py * s + dy, this.color);
        }
    }
    const drawn: DrawnText = { x, y, width: text.length * w * s, height: h * s, text };
    this.texts = this.texts.filter((t) => t.x >= drawn.x + drawn.width || t.x + t.width <= drawn.x || t.y >= drawn.y + drawn.height || t.y + t.height <= drawn.y);
    this.texts.push(drawn);
  }

  /** The strings on screen, top to bottom, left to right; strings on one row joined by two spaces. */
  text(): string {
    const sorted = [...this.texts].sort((a, b) => a.y - b.y || a.x - b.x);
    const rows: DrawnText[][] = [];
    for (const t of sorted) {
      const row = rows[rows.length - 1];
      if (row && Math.abs(row[0].y - t.y) < 4) row.push(t);
      else rows.push([t]);
    }
    return rows.map((row) => row.map((t) => t.text).join("  ")).join("\n");
  }

  /** The framebuffer as ASCII art: "#" lit, "." dark. */
  ascii(): string {
    const lines: string[] = [];
    for (let y = 0; y < this.height; y++) {
      let line = "";
      for (let x = 0; x < this.width; x++) line += this.pixels[y * this.width + x] ? "#" : ".";
      lines.push(line);
    }
    return lines.join("\n");
  }

  litPixels(): number {
    let n = 0;
    for (const p of this.pixels) n += p;
    return n;
  }

  savePng(path: string, pixelScale = 3): void {
    const png = new PNG({ width: this.width * pixelScale, height: this.height * pixelScale });
    for (let y = 0; y < png.height; y++)
      for (let x = 0; x < png.width; x++) {
        const lit = this.pixels[Math.floor(y / pixelScale) * this.width + Math.floor(x / pixelScale)] === 1;
        const i = (y * png.width + x) * 4;
        png.data[i] = lit ? 20 : 200;
        png.data[i + 1] = lit ? 20 : 215;
        png.data[i + 2] = lit ? 20 : 190;
        png.data[i + 3] = 255;
      }
    writeFileSync(path, PNG.sync.write(png));
  }
}
