// The screen-reader pass over every screen of the web app, in real headless Chromium: the
// accessibility tree as Chromium builds it for screen readers (CDP Accessibility.getFullAXTree)
// names every control a caregiver can reach, in the order the screen shows them; Tab moves
// through exactly those controls, top to bottom; the code's check-digit message is in a polite
// live region that also describes the code field, and the notices are in a status region.
// What this cannot tell (how TalkBack or VoiceOver speak it) is in webapp/README.md.
import { afterEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { runEvv } from "./runEvv.js";
import { killIfRunning, type ServeProcess } from "./serveProcess.js";
import { launchChromium, type HeadlessChromium } from "./headlessChromium.js";
import { startTrustedHttpsServe } from "./trustedHttpsServe.js";
import { setPassword, signIn } from "./webAppSteps.js";
import { simpleWorld, TEST_PASSPHRASE, type VisitWorld } from "../host/fixtures/visitWorld.js";
import { FRAME_KIND_NFC, encodeFrame, nfcUri, stepOf } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { knownTaskNames } from "../../host/domain/taskCategory.js";

let world: VisitWorld | null = null;
let serve: ServeProcess | null = null;
let chromium: HeadlessChromium | null = null;
afterEach(async () => {
  await chromium?.close();
  chromium = null;
  await killIfRunning(serve);
  serve = null;
  world?.close();
  world = null;
});

/** Roles a caregiver operates. */
const CONTROL_ROLES = new Set(["button", "textbox", "combobox", "checkbox", "radio", "link", "spinbutton", "listbox", "searchbox", "menuitem", "switch", "slider"]);

interface AxNode {
  nodeId: string;
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  description?: { value: string };
  properties?: { name: string; value: { value: unknown } }[];
  parentId?: string;
  childIds?: string[];
}

const prop = (node: AxNode, name: string) => node.properties?.find((p) => p.name === name)?.value.value;
const label = (node: AxNode) => `${node.role?.value} "${node.name?.value ?? ""}"`;

/** The accessibility tree Chromium gives screen readers, in reading order (depth first), without the nodes it hides from them. */
async function axTree(page: Page): Promise<AxNode[]> {
  const cdp = await page.context().newCDPSession(page);
  let nodes: AxNode[];
  try {
    await cdp.send("Accessibility.enable");
    nodes = ((await cdp.send("Accessibility.getFullAXTree")) as unknown as { nodes: AxNode[] }).nodes;
  } finally {
    await cdp.detach();
  }
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const inOrder: AxNode[] = [];
  const visit = (node: AxNode): void => {
    if (!node.ignored) inOrder.push(node);
    for (const child of node.childIds ?? []) {
      const next = byId.get(child);
      if (next) visit(next);
    }
  };
  for (const root of nodes.filter((n) => n.parentId === undefined || !byId.has(n.parentId))) visit(root);
  return inOrder;
}

/** The controls of the screen in tree order, as `role "name"`; none may be nameless. */
async function controls(page: Page): Promise<string[]> {
  const nodes = (await axTree(page)).filter((n) => CONTROL_ROLES.has(n.role?.value ?? ""));
  expect(nodes.filter((n) => !n.name?.value?.trim()).map(label), "controls without a name").toEqual([]);
  return nodes.map(label);
}

/** Tab from the top of the page: each stop's `role "name"` and its place on the screen, until focus leaves the page or comes round again. */
async function tabStops(page: Page): Promise<{ stop: string; top: number; left: number }[]> {
  // A click on the page's header (nothing to operate there) moves where Tab starts to the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.click(2, 2);
  const stops: { stop: string; top: number; left: number }[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focused = (await axTree(page)).find((n) => prop(n, "focused") === true && CONTROL_ROLES.has(n.role?.value ?? ""));
    if (!focused) break;
    const stop = label(focused);
    if (stops.some((s) => s.stop === stop)) break;
    const box = await page.evaluate(() => {
      const r = document.activeElement!.getBoundingClientRect();
      return { top: r.top + window.scrollY, left: r.left };
    });
    stops.push({ stop, ...box });
  }
  return stops;
}

/**
 * Pins a screen: its controls by role and name in this order, Tab visits them in the same order
 * (a radio group is one stop, at its checked radio), and every stop is below or, on the same
 * row, right of the one before (focus follows the screen).
 */
async function expectScreen(page: Page, expected: string[], uncheckedRadios: string[] = []): Promise<void> {
  expect(await controls(page)).toEqual(expected);
  const stops = await tabStops(page);
  expect(stops.map((s) => s.stop)).toEqual(expected.filter((c) => !uncheckedRadios.includes(c)));
  for (let i = 1; i < stops.length; i++) {
    const [a, b] = [stops[i - 1], stops[i]];
    expect(b.top > a.top + 2 || (Math.abs(b.top - a.top) <= 2 && b.left > a.left), `${b.stop} comes after ${a.stop} on the screen`).toBe(true);
  }
}

async function issue(w: VisitWorld, caregiverId: string, purpose: "reader" | "password"): Promise<string> {
  const args = ["caregiver", "enroll", "--provider", "P1", "--caregiver", caregiverId, "--by", "hhs-test", "--json", "--db", w.dbPath, "--keystore", w.keystorePath];
  const run = await runEvv(purpose === "password" ? [...args, "--purpose", "password"] : args, { EVV_PASSPHRASE: TEST_PASSPHRASE });
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { code: string }).code;
}

/** The task check boxes' names, as the app labels the service's task list. */
const TASKS = knownTaskNames().map((t) => t.replace(/-/g, " "));

describe("the web app with a screen reader's eyes (Chromium's accessibility tree)", () => {
  it("names every control of every screen, keeps Tab in screen order, and puts the check-digit words and notices in live regions", async () => {
    world = simpleWorld();
    const w = world;
    w.addCaregiver("P1", "P1");
    const enrollmentCode = await issue(w, "P1", "reader");
    const passwordCode = await issue(w, "cg-3", "password");
    const https = await startTrustedHttpsServe(w);
    serve = https.serve;
    chromium = await launchChromium([https.chromiumTrust]);
    const page = chromium.context.pages()[0] ?? (await chromium.context.newPage());

    // Start, opened by a tap while not enrolled: the kept tap is said in the status region.
    const { id, key } = w.deviceKey("C1");
    const frame = encodeFrame(nodeSha256, key, id, { kind: FRAME_KIND_NFC, step: stepOf(Math.floor(Date.now() / 1000)), status: 0x08 });
    await page.goto(nfcUri(frame, https.appUrl));
    const status = (await axTree(page)).find((n) => n.role?.value === "status")!;
    expect(status).toBeDefined();
    expect(prop(status, "live")).toBe("polite");
    await expect.poll(() => page.getByRole("status").textContent()).toContain("The fob's tap is kept on this page.");
    await expectScreen(page, ['button "My own phone or computer: enroll it"', 'button "A shared computer: sign in"']);

    await page.getByRole("button", { name: "My own phone or computer: enroll it" }).click();
    await expectScreen(page, ['textbox "Enrollment code from your agency or HHS"', 'button "Enroll"', 'button "Back"']);
    const enrollField = (await axTree(page)).find((n) => label(n) === 'textbox "Enrollment code from your agency or HHS"')!;
    expect(enrollField.description?.value).toBe("16 letters and digits, for example ABCD-EFGH-JKMN-PQRS. It works once.");
    await page.getByRole("button", { name: "Back" }).click();

    await page.getByRole("button", { name: "A shared computer: sign in" }).click();
    await expectScreen(page, ['textbox "Provider number"', 'textbox "Caregiver ID"', 'textbox "Password"', 'button "Sign in"', 'button "First time: set a password with a code"', 'button "Back"']);
    await page.getByRole("button", { name: "First time: set a password with a code" }).click();
    await expectScreen(page, ['textbox "Password code from your agency or HHS"', 'textbox "New password"', 'button "Set password"', 'button "Back"']);
    await page.getByRole("button", { name: "Back" }).click();

    // Enrolled, with the tap waiting, at check-out (the tasks shown), after a mistyped code.
    await page.getByRole("button", { name: "My own phone or computer: enroll it" }).click();
    await page.getByLabel("Enrollment code from your agency or HHS").fill(enrollmentCode);
    await page.getByRole("button", { name: "Enroll", exact: true }).click();
    await expect.poll(() => page.getByRole("group", { name: "The fob was tapped" }).isVisible()).toBe(true);
    await page.getByLabel("Check-out (end)").check();
    await page.getByLabel("Code on the fob").pressSequentially("1234 5678 9012");
    const bluetooth = (await page.evaluate(() => "bluetooth" in navigator)) ? ['button "Read the fob by Bluetooth"'] : [];
    await expectScreen(
      page,
      [
        'combobox "Client"',
        'radio "Check-in (start)"',
        'radio "Check-out (end)"',
        ...TASKS.map((t) => `checkbox "${t}"`),
        'button "Send the tap"',
        'button "Discard the tap"',
        ...bluetooth,
        'textbox "Code on the fob"',
        'button "Send the code"',
      ],
      ['radio "Check-in (start)"'],
    );
    const tree = await axTree(page);
    const check = tree.find((n) => prop(n, "live") === "polite" && n.role?.value !== "status" && n.role?.value !== "StaticText");
    expect(check, "the check-digit line is a live region").toBeDefined();
    const codeField = tree.find((n) => label(n) === 'textbox "Code on the fob"')!;
    const words = await page.locator("#code-check").textContent();
    expect(words).toMatch(/^Not a visit code: /);
    expect(codeField.description?.value).toBe(words);
    expect(prop(codeField, "invalid")).toBe("true");
    expect(tree.find((n) => n.role?.value === "group" && n.name?.value === "The fob was tapped")).toBeDefined();
    expect(tree.filter((n) => n.role?.value === "heading").map((n) => n.name?.value)).toEqual(["Visit check-in and check-out", "Record a visit", "The fob was tapped", "Sent from this device"]);

    // Signed in on a shared computer: the same screen with Sign out last.
    await page.getByRole("button", { name: "Discard the tap" }).click();
    await chromium.close();
    chromium = await launchChromium([https.chromiumTrust]);
    const shared = chromium.context.pages()[0] ?? (await chromium.context.newPage());
    await shared.goto(https.appUrl);
    await setPassword(shared, passwordCode);
    await signIn(shared, "P1", "cg-3");
    await expect.poll(() => shared.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
    await expectScreen(
      shared,
      ['combobox "Client"', 'radio "Check-in (start)"', 'radio "Check-out (end)"', ...bluetooth, 'textbox "Code on the fob"', 'button "Send the code"', 'button "Sign out"'],
      ['radio "Check-out (end)"'],
    );
  }, 120_000);
});
