// Debian's Chromium (/usr/bin/chromium, installed by .ci/run), headless, driven by
// playwright-core, with a fresh profile per launch: what the web app's end-to-end tests run in.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface HeadlessChromium {
  /** The browser's one context (its profile is a fresh directory, removed at close). */
  context: BrowserContext;
  close(): Promise<void>;
}

/** A phone's screen: 360 x 740 CSS pixels. */
export const PHONE = { width: 360, height: 740 };

export async function launchChromium(extraArgs: string[] = []): Promise<HeadlessChromium> {
  const profile = mkdtempSync(join(tmpdir(), "evv-chromium-"));
  // Playwright passes the profile as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: PHONE,
    deviceScaleFactor: 1,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
