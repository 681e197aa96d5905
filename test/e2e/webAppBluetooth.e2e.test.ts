// The web app's Bluetooth challenge in real headless Chromium: the page's own
// navigator.bluetooth, Chromium's Bluetooth emulation (CDP BluetoothEmulation) bridged to the
// simulator running the real Puck.js bundle, provisioned with the world's key for client C1 and
// locked (test/e2e/bluetoothBridge.ts says what the emulation cannot do: deliver a
// notification, so the answer is read from TX). The challenged check-in and check-out are signed
// by the enrolled browser, stored, and `evv verify` accepts them (the visit is seconds long:
// its one flag is UNDER_8_MINUTES).
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runEvv } from "./runEvv.js";
import { killIfRunning, startServe, type ServeProcess } from "./serveProcess.js";
import { launchChromium, type HeadlessChromium } from "./headlessChromium.js";
import { bridgeFobToChromium } from "./bluetoothBridge.js";
import { ROTATION_WAIT_ALLOWANCE_MS, startFob, type FobUnderTest } from "./fobUnderTest.js";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "../host/fixtures/visitWorld.js";

let world: VisitWorld | null = null;
let serve: ServeProcess | null = null;
let chromium: HeadlessChromium | null = null;
let fob: FobUnderTest | null = null;
afterEach(async () => {
  await chromium?.close();
  chromium = null;
  await fob?.stop();
  fob = null;
  await killIfRunning(serve);
  serve = null;
  world?.close();
  world = null;
});

/** Web Bluetooth is behind these switches in Chromium on Linux. */
const WEB_BLUETOOTH = ["--enable-features=WebBluetooth", "--enable-experimental-web-platform-features"];

describe("the web app's Bluetooth challenge", () => {
  it(
    "reads a locked simulated fob through Chromium's Bluetooth emulation, submits the signed challenge readings, and the verifier accepts the fob's answers",
    async () => {
      world = simpleWorld();
      const w = world;
      w.addCaregiver("P1", "P1");
      const { id, key } = w.deviceKey("C1");
      fob = await startFob(id, "puckjs", key);
      const issued = await runEvv(["caregiver", "enroll", "--provider", "P1", "--caregiver", "P1", "--by", "hhs-test", "--json", "--db", w.dbPath, "--keystore", w.keystorePath], { EVV_PASSPHRASE: TEST_PASSPHRASE });
      expect(issued.code).toBe(0);
      serve = await startServe(["--host", "127.0.0.1", "--port", "0", "--plain-http", "--db", w.dbPath, "--keystore", w.keystorePath, "--credentials", join(w.dir, "credentials.json")], { EVV_PASSPHRASE: TEST_PASSPHRASE });
      chromium = await launchChromium(WEB_BLUETOOTH);
      const context = chromium.context;
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(new URL("/app/", serve.url).href);
      await page.getByRole("button", { name: "My own phone or computer: enroll it" }).click();
      await page.getByLabel("Enrollment code from your agency or HHS").fill((JSON.parse(issued.stdout) as { code: string }).code);
      await page.getByRole("button", { name: "Enroll", exact: true }).click();
      await expect.poll(() => page.getByLabel("Client").locator("option").count()).toBe(1);
      const bridge = await bridgeFobToChromium(context, page, fob.device);

      await page.getByRole("button", { name: "Read the fob by Bluetooth" }).click();
      await expect.poll(() => page.getByRole("status").textContent(), { timeout: 20_000 }).toMatch(/Check-in at .*, fob [0-9a-f]{8} answered by Bluetooth: Sent; HHS received it/);
      expect(bridge.written.join("")).toMatch(/^CHAL [0-9a-f]{32}\n$/);
      expect(bridge.operations).toEqual(expect.arrayContaining(["gatt connection", "tx subscribe-to-notifications", "rx write", "tx read"]));
      // The README's picture is written again only with EVV_UPDATE_SCREENSHOTS=1, so a test run leaves the checkout as it was.
      if (process.env.EVV_UPDATE_SCREENSHOTS === "1") await page.screenshot({ path: fileURLToPath(new URL("../../docs/screenshots/11-bluetooth.png", import.meta.url)), fullPage: true });
      else expect((await page.screenshot({ fullPage: true })).length).toBeGreaterThan(0);

      await page.getByLabel("Check-out (end)").check();
      await page.getByLabel("bathing").check();
      await page.getByRole("button", { name: "Read the fob by Bluetooth" }).click();
      await expect.poll(() => page.getByRole("status").textContent(), { timeout: 20_000 }).toMatch(/Check-out at .*answered by Bluetooth, tasks: bathing: Sent; HHS received it/);
      const stored = w.db.prepare("SELECT method, event, reader_counter AS counter FROM readings ORDER BY received_seq").all();
      expect(stored).toEqual([
        { method: "challenge", event: "check-in", counter: 1 },
        { method: "challenge", event: "check-out", counter: 2 },
      ]);

      expect(await serve.stop()).toBe(0);
      // `evv serve` has no keystore yet: its enrollment entry is adopted the documented way.
      const verified = await runEvv(["verify", "--db", w.dbPath, "--keystore", w.keystorePath, "--json"], { EVV_PASSPHRASE: TEST_PASSPHRASE });
      expect(verified.stderr).toBe("");
      expect(verified.code).toBe(0);
      // The fob's answers check out (MAC, nonce, clock); the visit is seconds long, so its one flag is the length.
      expect(JSON.parse(verified.stdout).byStatus).toMatchObject({ verified: 0, "verified-with-flags": 1, "needs-review": 0, rejected: 0 });
      const visit = w.db.prepare("SELECT reasons FROM visits").get() as { reasons: string };
      expect((JSON.parse(visit.reasons) as { code: string }[]).map((r) => r.code)).toEqual(["UNDER_8_MINUTES"]);
    },
    90_000 + ROTATION_WAIT_ALLOWANCE_MS,
  );
});
