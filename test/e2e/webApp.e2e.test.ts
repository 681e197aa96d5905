// The caregiver's web app (webapp/, issue 12) in real headless Chromium against the real
// `evv serve`: the browser enrolls with a one-time code (its own non-extractable P-256 key in
// IndexedDB), a typed code with two digits swapped is caught as it is typed, the right code is
// accepted, signed and stored; a check-out made offline waits in IndexedDB and is sent once the
// connection returns, stored once; `evv verify` verifies the visit. A caregiver on a shared
// computer signs in and submits. Each screen is saved at 360x740: under docs/screenshots/ (the
// README's pictures) with EVV_UPDATE_SCREENSHOTS=1, else in a temporary folder, so a test run
// leaves the checkout as it was.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import type { Page } from "playwright-core";
import { runEvv } from "./runEvv.js";
import { killIfRunning, startServe, type ServeProcess } from "./serveProcess.js";
import { launchChromium, type HeadlessChromium } from "./headlessChromium.js";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "../host/fixtures/visitWorld.js";

const screenshots =
  process.env.EVV_UPDATE_SCREENSHOTS === "1" ? fileURLToPath(new URL("../../docs/screenshots/", import.meta.url)) : mkdtempSync(join(tmpdir(), "evv-webapp-screens-"));
const MIN = 60_000;

let world: VisitWorld | null = null;
let serve: ServeProcess | null = null;
let chromium: HeadlessChromium | null = null;
beforeAll(() => mkdirSync(screenshots, { recursive: true }));
afterEach(async () => {
  await chromium?.close();
  chromium = null;
  await killIfRunning(serve);
  serve = null;
  world?.close();
  world = null;
});

/** The code the client's fob showed at `ms` (protocol's makeDisplayCode with the fob's key from the keystore). */
function codeShownAt(w: VisitWorld, ms: number): string {
  const code = w.typed("P1", "C1", "check-in", ms, ms).typedCode!;
  w.readings.pop();
  return code;
}

/** The code with its first pair of unequal neighbouring digits swapped. */
function swapPair(code: string): string {
  for (let i = 0; i + 1 < code.length; i++)
    if (code[i] !== code[i + 1]) return code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
  throw new Error(`no pair to swap in ${code}`);
}

async function startService(w: VisitWorld): Promise<ServeProcess> {
  return startServe(["--host", "127.0.0.1", "--port", "0", "--plain-http", "--db", w.dbPath, "--keystore", w.keystorePath, "--credentials", join(w.dir, "credentials.json")], { EVV_PASSPHRASE: TEST_PASSPHRASE });
}

async function issueCode(w: VisitWorld, purpose: "reader" | "password", caregiverId: string): Promise<string> {
  const args = ["caregiver", "enroll", "--provider", "P1", "--caregiver", caregiverId, "--by", "hhs-test", "--json", "--db", w.dbPath, "--keystore", w.keystorePath];
  const issued = await runEvv(purpose === "password" ? [...args, "--purpose", "password"] : args, { EVV_PASSPHRASE: TEST_PASSPHRASE });
  expect(issued.stderr).toBe("");
  expect(issued.code).toBe(0);
  return (JSON.parse(issued.stdout) as { code: string }).code;
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByLabel("Code on the fob").fill("");
  await page.getByLabel("Code on the fob").pressSequentially(code);
}

const storedReadings = (w: VisitWorld) => w.db.prepare("SELECT reading_id, signed_by, reader_counter AS counter, session_of, caregiver_id, method, event FROM readings ORDER BY received_seq").all() as { reading_id: string; signed_by: string | null; counter: number | null; session_of: string | null; caregiver_id: string; method: string; event: string }[];

describe("the caregiver's web app in headless Chromium", () => {
  it("enrolls the browser, catches a swapped pair as it is typed, submits the right code signed, queues a check-out while offline and sends it once online, opens with the service out of reach; the visit verifies", async () => {
    world = simpleWorld();
    const w = world;
    // P1 is an individual QSP: its own caregiver.
    w.addCaregiver("P1", "P1");
    const enrollmentCode = await issueCode(w, "reader", "P1");
    serve = await startService(w);
    chromium = await launchChromium();
    const context = chromium.context;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(new URL("/app/", serve.url).href);

    await expect.poll(() => page.getByRole("heading", { name: "How are you using this device?" }).isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshots, "1-start.png") });
    await page.getByRole("button", { name: "My own phone or computer: enroll it" }).click();
    await page.getByLabel("Enrollment code from your agency or HHS").fill(enrollmentCode);
    await page.screenshot({ path: join(screenshots, "2-enroll.png") });
    await page.getByRole("button", { name: "Enroll", exact: true }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("This device is enrolled for caregiver P1");
    // The key is WebCrypto's, kept in IndexedDB, and cannot be exported.
    const keyFacts = await page.evaluate(
      () =>
        new Promise<{ extractable: boolean; type: string; curve: string }>((resolve, reject) => {
          const open = indexedDB.open("evv-reader");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction("reader").objectStore("reader").get("self");
            get.onsuccess = () => {
              const key = get.result.privateKey as CryptoKey;
              resolve({ extractable: key.extractable, type: key.type, curve: (key.algorithm as EcKeyAlgorithm).namedCurve });
            };
          };
        }),
    );
    expect(keyFacts).toEqual({ extractable: false, type: "private", curve: "P-256" });
    const enrolled = w.db.prepare("SELECT kind, provider_number, caregiver_id FROM readers").all();
    expect(enrolled).toEqual([{ kind: "browser", provider_number: "P1", caregiver_id: "P1" }]);

    // The client comes from the caregiver's provider's authorizations.
    await expect.poll(() => page.getByLabel("Client").locator("option").allTextContents()).toEqual([expect.stringContaining("(C1)")]);
    const begin = Date.now() - 45 * MIN;
    const checkInCode = codeShownAt(w, begin);
    const codeCheck = page.locator("#code-check");
    await typeCode(page, checkInCode.slice(0, 5));
    expect(await codeCheck.textContent()).toBe("5 of 12 digits typed.");
    expect(await codeCheck.getAttribute("aria-live")).toBe("polite");
    await typeCode(page, swapPair(checkInCode));
    expect(await codeCheck.textContent()).toBe(
      "Not a visit code: the check digit does not match: a digit is mistyped or two digits are swapped. Check the fob's display and type it again.",
    );
    expect(await page.getByLabel("Code on the fob").getAttribute("aria-invalid")).toBe("true");
    await page.screenshot({ path: join(screenshots, "3-code-swapped.png") });
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("check digit does not match");
    expect(storedReadings(w)).toEqual([]);

    await typeCode(page, checkInCode);
    expect(await codeCheck.textContent()).toBe(`${checkInCode.slice(0, 4)} ${checkInCode.slice(4, 8)} ${checkInCode.slice(8)}: check digit correct; the verifier checks the rest.`);
    await page.screenshot({ path: join(screenshots, "4-code-correct.png") });
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Sent; HHS received it");
    const afterCheckIn = storedReadings(w);
    expect(afterCheckIn).toMatchObject([{ signed_by: expect.any(String), counter: 1, caregiver_id: "P1", method: "typed", event: "check-in" }]);
    await page.screenshot({ path: join(screenshots, "5-sent.png"), fullPage: true });

    // Offline: the check-out is signed and kept in IndexedDB, nothing reaches the service.
    await context.setOffline(true);
    await page.getByLabel("Check-out (end)").check();
    await page.getByLabel("bathing").check();
    await typeCode(page, codeShownAt(w, Date.now() - 5 * MIN));
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("no connection now. It is kept on this device and sent when the connection returns.");
    await expect.poll(() => page.locator("#sent-list li.waiting").count()).toBe(1);
    expect(storedReadings(w)).toHaveLength(1);
    await page.screenshot({ path: join(screenshots, "6-offline-queued.png"), fullPage: true });

    // The connection returns: the waiting reading goes, once.
    await context.setOffline(false);
    await expect.poll(() => page.locator("#sent-list li.sent").count(), { timeout: 20_000 }).toBe(2);
    expect(storedReadings(w)).toMatchObject([{ counter: 1, event: "check-in" }, { counter: 2, event: "check-out", signed_by: afterCheckIn[0].signed_by }]);
    // A reload sends nothing again (the queue knows it was sent).
    await page.reload();
    await expect.poll(() => page.locator("#sent-list li.sent").count()).toBe(2);
    expect(storedReadings(w)).toHaveLength(2);
    await page.screenshot({ path: join(screenshots, "7-after-reconnect.png"), fullPage: true });

    // The service out of reach: the app still opens (its service worker kept it), with the
    // client list it had and the readings in IndexedDB.
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(await serve.stop()).toBe(0);
    await page.reload();
    await expect.poll(() => page.getByRole("heading", { name: "Record a visit" }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("No connection: the client list could not be loaded.");
    expect(await page.getByLabel("Client").locator("option").allTextContents()).toEqual([expect.stringContaining("(C1)")]);
    expect(await page.locator("#sent-list li.sent").count()).toBe(2);
    const verified = await runEvv(["verify", "--db", w.dbPath, "--keystore", w.keystorePath, "--json"], { EVV_PASSPHRASE: TEST_PASSPHRASE });
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).byStatus).toMatchObject({ verified: 1, rejected: 0 });
  });

  it("sets a password with a one-time code, signs a caregiver in on a shared computer, submits a typed check-in with the session, and tells a refusal in plain words", async () => {
    world = simpleWorld();
    const w = world;
    const passwordCode = await issueCode(w, "password", "cg-1");
    serve = await startService(w);
    chromium = await launchChromium();
    const context = chromium.context;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(new URL("/app/", serve.url).href);
    await page.getByRole("button", { name: "A shared computer: sign in" }).click();
    // First time: the password is set with the one-time password code.
    await page.getByRole("button", { name: "First time: set a password with a code" }).click();
    await page.getByLabel("Password code from your agency or HHS").fill(passwordCode);
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("The password needs at least 12 characters.");
    await page.getByLabel("New password").fill("correct horse battery");
    await page.screenshot({ path: join(screenshots, "8-set-password.png") });
    await page.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Password set. Sign in with it now.");
    await page.getByLabel("Provider number").fill("P1");
    await page.getByLabel("Caregiver ID").fill("cg-1");
    await page.getByLabel("Password", { exact: true }).fill("wrong password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Not accepted: /);
    await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
    await page.screenshot({ path: join(screenshots, "9-sign-in.png") });
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Signed in.");
    await expect.poll(() => page.getByLabel("Client").locator("option").count()).toBe(1);
    const code = codeShownAt(w, Date.now() - 2 * MIN);
    await typeCode(page, code);
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Sent; HHS received it.");
    expect(storedReadings(w)).toMatchObject([{ signed_by: null, session_of: "P1|cg-1", caregiver_id: "cg-1", event: "check-in" }]);
    // The same code again for the same client is stored as a second reading; a session ending refuses the next in plain words.
    await request(new URL("/v1/sessions", serve.url), { method: "DELETE", headers: { authorization: `Bearer ${await page.evaluate(() => JSON.parse(sessionStorage.getItem("evv-session")!).token as string)}` } });
    await typeCode(page, code);
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Not accepted: sign in first");
    await page.screenshot({ path: join(screenshots, "10-refused.png"), fullPage: true });
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "How are you using this device?" }).isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem("evv-session"))).toBeNull();
  });
});
