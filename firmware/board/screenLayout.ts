// Draws a ScreenView with a bitmap font the board's Espruino build has (Pixl.js: 4x6 only,
// besides Vector; Bangle.js 2: 6x8 and more), at integer scales: the code in large digits,
// battery and clock state on the lines around it. Shared by Pixl.js (128x64) and Bangle.js 2
// (176x176); the board says which font and how large.
import type { ScreenView } from "./board.js";
import type { EspruinoGraphics } from "../espruino/espruinoGlobals.js";

export interface ScreenGeometry {
  /** A bitmap font of the board's build: "4x6" on Pixl.js, "6x8" on Bangle.js 2. */
  font: string;
  /** Height of one character of that font at scale 1, pixels. */
  fontHeight: number;
  /** Scale of the font for the code digits. */
  digitScale: number;
  /** Groups of the code per line: 2 on the Pixl.js ("1234 5678" / "9012"), 1 on Bangle.js 2. */
  groupsPerLine: number;
}

function centred(g: EspruinoGraphics, text: string, y: number): void {
  const x = Math.floor((g.getWidth() - g.stringWidth(text)) / 2);
  g.drawString(text, x < 0 ? 0 : x, y);
}

function codeLines(groupedCode: string, groupsPerLine: number): string[] {
  const groups = groupedCode.split(" ");
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += groupsPerLine) lines.push(groups.slice(i, i + groupsPerLine).join(" "));
  return lines;
}

export function drawScreen(g: EspruinoGraphics, view: ScreenView, geometry: ScreenGeometry): void {
  const h = geometry.fontHeight;
  g.clear();
  g.setFont(geometry.font, 1);
  const battery = "BAT " + view.batteryPercent + "%" + (view.batteryLow ? " LOW" : "");
  g.drawString(battery, 0, 0);
  const clock = view.clockTrusted ? view.clockText : "--:--";
  g.drawString(clock, g.getWidth() - g.stringWidth(clock), 0);
  const bottom = g.getHeight() - h;
  if (view.groupedCode !== null) {
    const lines = codeLines(view.groupedCode, geometry.groupsPerLine);
    const lineHeight = h * geometry.digitScale + 2;
    let y = Math.floor((g.getHeight() - lines.length * lineHeight) / 2) + 2;
    g.setFont(geometry.font, geometry.digitScale);
    for (const line of lines) {
      centred(g, line, y);
      y += lineHeight;
    }
    g.setFont(geometry.font, 1);
  } else if (view.notice !== null) {
    const lines = view.notice.split("\n");
    let y = Math.floor((g.getHeight() - lines.length * (h + 2)) / 2);
    for (const line of lines) {
      centred(g, line, y);
      y += h + 2;
    }
  }
  centred(g, view.clockTrusted ? (view.moved ? "MOVED" : view.localTime ? "LOCAL TIME" : "TIME IS UTC") : "NO CODES UNTIL SET", bottom);
  g.flip();
}
