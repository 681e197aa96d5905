// The fob's NFC tap end to end: a stock simulated Puck.js provisioned by the real
// `evv device provision --tap-url` (bundle upload, PROV URL before the lock) serves its NFC
// form after a press; the test reads the tag as a phone's tag reader does (Type 2 READs, the
// NDEF URI record with identifier code 0x04 "https://"), opens that URL in real headless
// Chromium against `evv serve` over HTTPS (its self-signed certificate trusted by its key), and
// the page turns the frame into signed `nfc` readings (the check-out made offline, kept and sent
// once online) that the service stores and `evv verify` accepts. A caregiver who is signed out when the URL opens signs in and the tap is still
// there. Desktop Chromium has no Web NFC (NDEFReader): the "Tap the fob" button stays hidden
// here, and its parsing, shared with the URL path, is pinned in test/webapp/fobTap.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { SerialExposure } from "../../simulator/transports/serialExposure.js";
import { runEvv } from "./runEvv.js";
import { killIfRunning, type ServeProcess } from "./serveProcess.js";
import { startTrustedHttpsServe } from "./trustedHttpsServe.js";
import { launchChromium, type HeadlessChromium } from "./headlessChromium.js";
import { bundlePath } from "./fobUnderTest.js";
import { setPassword, signIn } from "./webAppSteps.js";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "../host/fixtures/visitWorld.js";

const screenshots =
  process.env.EVV_UPDATE_SCREENSHOTS === "1" ? fileURLToPath(new URL("../../docs/screenshots/", import.meta.url)) : mkdtempSync(join(tmpdir(), "evv-webapp-screens-"));

let world: VisitWorld;
let serve: ServeProcess | null = null;
let device: SimulatedDevice | null = null;
let serial: SerialExposure | null = null;
let chromiumTrust = "";
let tapBase = "";
let deviceId = "";

const keystoreArgs = () => ["--db", world.dbPath, "--keystore", world.keystorePath];
const storedReadings = () => world.db.prepare("SELECT method, transport, event, frame, signed_by, session_of FROM readings ORDER BY received_seq").all() as { method: string; transport: string; event: string; frame: string; signed_by: string | null; session_of: string | null }[];

/** What a phone's tag reader gets from the fob now: the NDEF URI record's identifier code and the URI (SimulatedDevice.nfcUri reads the tag with Type 2 READs). */
function touchFob(): { code: number; uri: string } {
  device!.pressButton(50);
  const block4 = device!.nfcTransceive(new Uint8Array([0x30, 4])) as Uint8Array;
  expect(Array.from(block4.subarray(2, 4))).toEqual([0xd1, 0x01]); // one short well-known record...
  expect(block4[5]).toBe(0x55); // ...of type "U"
  return { code: block4[6], uri: device!.nfcUri()! };
}

async function openTap(page: Page, uri: string): Promise<void> {
  await page.goto(uri);
  await expect.poll(() => page.evaluate(() => location.hash)).toBe(""); // taken out of the address bar
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  world = simpleWorld();
  world.addCaregiver("P1", "P1");
  // Chromium trusts exactly this certificate, so the page is a secure context as on a real HTTPS service.
  const https = await startTrustedHttpsServe(world);
  serve = https.serve;
  chromiumTrust = https.chromiumTrust;
  tapBase = https.appUrl;
  expect(tapBase).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/app\/$/);

  bundlePath("puckjs");
  device = SimulatedDevice.create({ board: "puckjs", clock: { startUnixMs: Date.now(), mode: "realtime" }, addressSeed: "stock-nfc" });
  device.runRealtime();
  serial = await SerialExposure.open(device);
  const provisioned = await runEvv(["device", "provision", "--serial", serial.hostPath, "--board", "puckjs", "--tap-url", tapBase, "--json", ...keystoreArgs()], { EVV_PASSPHRASE: TEST_PASSPHRASE }, 120_000);
  expect(provisioned.stderr).toContain(`NFC tap: the NFC form opens ${tapBase}#<frame>`);
  expect(provisioned.code).toBe(0);
  const result = JSON.parse(provisioned.stdout) as { deviceId: string; tapUrl: string };
  expect(result.tapUrl).toBe(tapBase);
  deviceId = result.deviceId;
  const assigned = await runEvv(["device", "assign", deviceId, "--location", "loc-C1", "--from", new Date(Date.now() - 3600_000).toISOString(), ...keystoreArgs()], { EVV_PASSPHRASE: TEST_PASSPHRASE });
  expect(assigned.code).toBe(0);
}, 240_000);

afterAll(async () => {
  await killIfRunning(serve);
  await serial?.close();
  device?.stop();
  world?.close();
});

describe("the fob's NFC tap opened in the web app", () => {
  let chromium: HeadlessChromium | null = null;
  afterAll(async () => chromium?.close());

  it("the URL read from the fob's tag opens the app on an enrolled browser, becomes a signed nfc check-in and an offline check-out sent once online, and `evv verify` accepts the visit as NFC", async () => {
    const issued = await runEvv(["caregiver", "enroll", "--provider", "P1", "--caregiver", "P1", "--by", "hhs-test", "--json", ...keystoreArgs()], { EVV_PASSPHRASE: TEST_PASSPHRASE });
    expect(issued.code).toBe(0);
    chromium = await launchChromium([chromiumTrust]);
    const context = chromium.context;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(tapBase);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    // Desktop Chromium has no Web NFC: the button is hidden, as on an iPhone (which opens the URL itself).
    expect(await page.evaluate(() => "NDEFReader" in window)).toBe(false);
    expect(await page.locator("#read-nfc").isHidden()).toBe(true);
    await page.getByRole("button", { name: "My own phone or computer: enroll it" }).click();
    await page.getByLabel("Enrollment code from your agency or HHS").fill((JSON.parse(issued.stdout) as { code: string }).code);
    await page.getByRole("button", { name: "Enroll", exact: true }).click();
    await expect.poll(() => page.getByLabel("Client").locator("option").count()).toBe(1);

    // The phone touches the fob: its tag holds https://<base>#<frame>, the https:// as code 0x04.
    const checkIn = touchFob();
    expect(checkIn.code).toBe(0x04);
    expect(checkIn.uri).toMatch(new RegExp(`^${tapBase.replace(/[.]/g, "\\.")}#12[0-9a-f]{46}$`));
    // The phone opens it in a new tab.
    const tapPage = await context.newPage();
    await openTap(tapPage, checkIn.uri);
    await expect.poll(() => tapPage.getByRole("group", { name: "The fob was tapped" }).isVisible()).toBe(true);
    expect(await tapPage.getByRole("status").textContent()).toBe("The fob was tapped. Choose the client and check-in or check-out, then send the tap.");
    expect(await tapPage.locator("#tap-text").textContent()).toMatch(/^Fob reading of \d{1,2}:\d\d(?: [AP]M)?, kept on this page\. Choose the client and check-in or check-out, then send it\.$/);
    await tapPage.screenshot({ path: join(screenshots, "13-tap-ready.png"), fullPage: true });
    await tapPage.getByRole("button", { name: "Send the tap" }).click();
    await expect.poll(() => tapPage.getByRole("status").textContent()).toMatch(/^Check-in at Client C1 \(C1\), fob tapped at \d{1,2}:\d\d(?: [AP]M)?: Sent; HHS received it /);
    expect(await tapPage.locator("#tap-ready").isHidden()).toBe(true);
    await tapPage.screenshot({ path: join(screenshots, "14-tap-sent.png"), fullPage: true });

    // The check-out, with no connection: the same tab is open when the phone touches the fob
    // again (only the "#" part changes); the signed tap waits in IndexedDB and goes once online.
    await context.setOffline(true);
    const checkOut = touchFob();
    await tapPage.getByLabel("Check-out (end)").check();
    await tapPage.getByLabel("bathing").check();
    await openTap(tapPage, checkOut.uri);
    await expect.poll(() => tapPage.getByRole("group", { name: "The fob was tapped" }).isVisible()).toBe(true);
    await tapPage.getByRole("button", { name: "Send the tap" }).click();
    await expect.poll(() => tapPage.getByRole("status").textContent()).toMatch(/^Check-out at Client C1 \(C1\), fob tapped at \d{1,2}:\d\d(?: [AP]M)?, tasks: bathing: no connection now\. It is kept on this device and sent when the connection returns\.$/);
    expect(storedReadings()).toHaveLength(1);
    await context.setOffline(false);
    await expect.poll(() => tapPage.locator("#sent-list li.sent").count(), { timeout: 20_000 }).toBe(2);

    const frameOf = (uri: string) => uri.slice(uri.indexOf("#") + 1);
    expect(storedReadings()).toEqual([
      { method: "nfc", transport: "nfc", event: "check-in", frame: frameOf(checkIn.uri), signed_by: expect.any(String), session_of: null },
      { method: "nfc", transport: "nfc", event: "check-out", frame: frameOf(checkOut.uri), signed_by: expect.any(String), session_of: null },
    ]);
    const verified = await runEvv(["verify", "--json", ...keystoreArgs()], { EVV_PASSPHRASE: TEST_PASSPHRASE });
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).byStatus).toMatchObject({ verified: 0, "verified-with-flags": 1, "needs-review": 0, rejected: 0 });
    // The fob's frames check out (MAC, minute, location); the visit is seconds long, so its one flag is the length.
    const visit = world.db.prepare("SELECT reasons, device_id AS deviceId, presence_in AS presenceIn, presence_out AS presenceOut FROM visits").get() as { reasons: string; deviceId: string; presenceIn: string; presenceOut: string };
    expect((JSON.parse(visit.reasons) as { code: string }[]).map((r) => r.code)).toEqual(["UNDER_8_MINUTES"]);
    // Proven by the fob provisioned above (not the world's other fob at the same home), by NFC both ways.
    expect(visit).toMatchObject({ deviceId, presenceIn: "nfc", presenceOut: "nfc" });

    // No signal at the client's home: the phone opens the tap URL in a new tab without a
    // connection; the service worker (scope /app/) opens the app, the tap is kept, and it goes
    // once the connection returns.
    await expect.poll(() => tapPage.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await context.setOffline(true);
    const offlineTap = touchFob();
    const offlinePage = await context.newPage();
    await openTap(offlinePage, offlineTap.uri);
    await expect.poll(() => offlinePage.getByRole("group", { name: "The fob was tapped" }).isVisible()).toBe(true);
    await offlinePage.getByRole("button", { name: "Send the tap" }).click();
    await expect.poll(() => offlinePage.getByRole("status").textContent()).toContain("no connection now. It is kept on this device and sent when the connection returns.");
    expect(storedReadings()).toHaveLength(2);
    await context.setOffline(false);
    await expect.poll(() => storedReadings().length, { timeout: 20_000 }).toBe(3);
    expect(storedReadings()[2]).toMatchObject({ method: "nfc", event: "check-in", frame: frameOf(offlineTap.uri) });
    await chromium.close();
    chromium = null;
  }, 120_000);

  it("a tap URL opened while signed out is kept through setting a password and signing in on a shared computer, then sent with the session", async () => {
    const passwordCode = JSON.parse((await runEvv(["caregiver", "enroll", "--provider", "P1", "--caregiver", "cg-2", "--purpose", "password", "--by", "hhs-test", "--json", ...keystoreArgs()], { EVV_PASSPHRASE: TEST_PASSPHRASE })).stdout) as { code: string };
    chromium = await launchChromium([chromiumTrust]);
    const page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
    const before = storedReadings().length;
    const tap = touchFob();
    await openTap(page, tap.uri);
    await expect.poll(() => page.getByRole("status").textContent()).toBe("The fob's tap is kept on this page. Enroll this device (your own phone) or sign in (a shared computer), then send it.");
    await page.screenshot({ path: join(screenshots, "12-tap-signed-out.png") });
    await setPassword(page, passwordCode.code);
    // A reload on the way (the browser may do it) loses nothing: the tap is kept in this tab.
    await page.reload();
    await signIn(page, "P1", "cg-2");
    await expect.poll(() => page.getByRole("group", { name: "The fob was tapped" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Send the tap" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Check-in at Client C1 \(C1\), fob tapped at \d{1,2}:\d\d(?: [AP]M)?: Sent; HHS received it\.$/);
    const stored = storedReadings().slice(before);
    expect(stored).toEqual([{ method: "nfc", transport: "nfc", event: "check-in", frame: tap.uri.slice(tap.uri.indexOf("#") + 1), signed_by: null, session_of: "P1|cg-2" }]);
    expect(await page.evaluate(() => sessionStorage.getItem("evv-tap"))).toBeNull();
  }, 120_000);
});
