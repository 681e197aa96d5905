// The caregiver's web app (issue 12): enroll this browser or sign in on a shared computer, pick
// the client, check in or out with the code on the fob (checked as each digit is typed), tasks at
// check-out; an enrolled browser signs each reading and queues it in IndexedDB until the
// service has it; a signed-in caregiver's reading is sent at once (nothing is kept on a shared
// computer). Every outcome is told in plain words. The fob's NFC tap opens this page with its
// frame after "#" (or Web NFC reads it): the frame is kept on the page through enrollment or
// sign-in and sent as an `nfc` reading for the client and event the caregiver picks.
import { checkTypedCode } from "./codeCheck.js";
import { clientListRequest, enrollBrowser, signReading, webCryptoAvailable } from "./browserReader.js";
import { allQueued, loadReader, putQueued, type EnrolledReader, type QueuedReading } from "./readerStore.js";
import { Offline, postJson, refusalWords } from "./serviceApi.js";
import { sendQueue } from "./sendQueue.js";
import { visitReading, type Presence } from "./visitReading.js";
import { tapAgeMinutes, tapFromUrl, type FobTap } from "./fobTap.js";
import { scanFobTap, webNfcAvailable } from "./webNfc.js";
import type { JsonValue } from "../../host/storage/canonicalJson.js";

interface Session {
  token: string;
  providerNumber: string;
  caregiverId: string;
}

type Screen = "start" | "enroll" | "signin" | "password" | "visit";

const SESSION_KEY = "evv-session";
/** The fob's tap waiting to be sent (sessionStorage: this tab only, kept through sign-in). */
const TAP_KEY = "evv-tap";
const TAP_KEPT = "The fob's tap is kept on this page. Enroll this device (your own phone) or sign in (a shared computer), then send it.";
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let reader: EnrolledReader | undefined;
let session: Session | null = null;
/** A signed-in caregiver's readings, this page only. */
const sessionSent: QueuedReading[] = [];
let pendingTap: FobTap | null = null;

function show(screen: Screen): void {
  for (const name of ["start", "enroll", "signin", "password", "visit"] as Screen[]) byId(`${name}-screen`).hidden = name !== screen;
  const first = byId(`${screen}-screen`).querySelector<HTMLElement>("input, select, button");
  if (screen !== "start" && first) first.focus();
}

function notice(text: string, wrong = false): void {
  const el = byId<HTMLParagraphElement>("notice");
  el.textContent = text;
  el.className = wrong ? "notice wrong" : "notice";
}

function whoText(): string {
  if (reader) return `Caregiver ${reader.caregiverId}, provider ${reader.providerNumber} (this device is enrolled)`;
  if (session) return `Caregiver ${session.caregiverId}, provider ${session.providerNumber} (signed in)`;
  return "";
}

async function loadClients(): Promise<void> {
  const select = byId<HTMLSelectElement>("client");
  let answer;
  try {
    answer = session ? await postJson("/v1/caregiver/clients", {}, session.token) : await postJson("/v1/caregiver/clients", await clientListRequest(reader!));
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
    notice("No connection: the client list could not be loaded. Readings are kept and sent when the connection returns.", true);
    return;
  }
  if (answer.status !== 200) return notice(refusalWords(answer), true);
  const clients = answer.body.clients as { ndNumber: string; name: string }[];
  fillClients(select, clients);
  renderTasks(answer.body.tasks as string[]);
  if (!session) localStorage.setItem("evv-clients", JSON.stringify({ clients, tasks: answer.body.tasks }));
  if (clients.length === 0) notice("Your provider has no client authorized today. Ask your agency.", true);
}

function restoreClients(): void {
  if (session) return;
  const kept = localStorage.getItem("evv-clients");
  if (!kept) return;
  const { clients, tasks } = JSON.parse(kept) as { clients: { ndNumber: string; name: string }[]; tasks: string[] };
  fillClients(byId<HTMLSelectElement>("client"), clients);
  renderTasks(tasks);
}

/** The caregiver's clients; with more than one, "Choose the client" comes first, so a tap or code is never sent for a client by default. */
function fillClients(select: HTMLSelectElement, clients: { ndNumber: string; name: string }[]): void {
  const options = clients.map((c) => new Option(`${c.name} (${c.ndNumber})`, c.ndNumber));
  select.replaceChildren(...(clients.length > 1 ? [new Option("Choose the client", ""), ...options] : options));
}

function clockText(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** Shows the waiting tap (once this device is enrolled or signed in), with a warning when the fob's minute is far from now. */
function renderTap(): void {
  byId("tap-ready").hidden = pendingTap === null || (!reader && !session);
  if (!pendingTap) return;
  const age = tapAgeMinutes(pendingTap);
  const far = Math.abs(age) > 3
    ? ` It is ${Math.abs(age)} minutes ${age > 0 ? "old" : "ahead of this device's clock"}: a tap counts for the minute it was made. If you are at the fob, press its button and tap it again.`
    : "";
  byId("tap-text").textContent = `Fob reading of ${clockText(pendingTap.minuteMs)}, kept on this page. Choose the client and check-in or check-out, then send it.${far}`;
}

function keepTap(tap: FobTap | null): void {
  pendingTap = tap;
  if (tap) sessionStorage.setItem(TAP_KEY, JSON.stringify(tap));
  else sessionStorage.removeItem(TAP_KEY);
  renderTap();
}

/** The tap in the address the phone opened (then taken out of the address bar, so a reload does not take it again). */
function takeTapFromAddress(): void {
  const found = tapFromUrl(location.href, Date.now());
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  if (found === null) {
    const kept = sessionStorage.getItem(TAP_KEY);
    if (kept) pendingTap = JSON.parse(kept) as FobTap;
    return;
  }
  if ("problem" in found) return notice(found.problem, true);
  keepTap(found.tap);
  // Said in the status region too, so a screen reader hears that the panel appeared.
  if (reader || session) notice("The fob was tapped. Choose the client and check-in or check-out, then send the tap.");
}

async function sendTap(): Promise<void> {
  const tap = pendingTap;
  if (!tap) return;
  const client = byId<HTMLSelectElement>("client").value;
  if (!client) {
    notice("Pick the client first.", true);
    return byId("client").focus();
  }
  const handed = await submit(newReading(client, { method: "nfc", transport: "nfc", frame: tap.frame }, new Date(tap.capturedMs)), `fob tapped at ${clockText(tap.minuteMs)}`);
  if (handed) keepTap(null);
}

/** Web NFC: the same tap, read while the page is open (Chrome on Android). */
async function readByNfc(): Promise<void> {
  const client = byId<HTMLSelectElement>("client").value;
  if (!client) return notice("Pick the client first.", true);
  notice("Press the fob's button, then hold the back of the phone to the fob.");
  let tap: FobTap;
  try {
    tap = await scanFobTap();
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "NotAllowedError") return notice("This browser was not allowed to use NFC. Allow NFC for this site, or type the code.", true);
    if (name === "NotReadableError" || name === "NotSupportedError") return notice("This phone's NFC is off or missing. Turn NFC on in the phone's settings, or type the code.", true);
    return notice(error instanceof Error ? error.message : String(error), true);
  }
  await submit(newReading(client, { method: "nfc", transport: "nfc", frame: tap.frame }, new Date(tap.capturedMs)), `fob tapped at ${clockText(tap.minuteMs)}`);
}

async function renderSent(): Promise<void> {
  const items = session ? sessionSent : await allQueued();
  const list = byId<HTMLUListElement>("sent-list");
  if (items.length === 0) {
    const li = document.createElement("li");
    li.textContent = "Nothing yet.";
    return list.replaceChildren(li);
  }
  list.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement("li");
      li.className = item.state;
      const what = document.createElement("span");
      what.textContent = item.summary;
      const state = document.createElement("span");
      state.className = "state";
      state.textContent = item.state === "waiting" ? "Waiting for a connection; it is kept on this device and sent when online." : item.outcome;
      li.append(what, state);
      return li;
    }),
  );
}

function updateCodeCheck(): void {
  const check = checkTypedCode(byId<HTMLInputElement>("code").value);
  const el = byId<HTMLParagraphElement>("code-check");
  if (el.textContent !== check.message) el.textContent = check.message;
  el.className = check.wrong ? "check wrong" : check.code ? "check good" : "check";
  byId<HTMLInputElement>("code").setAttribute("aria-invalid", check.wrong ? "true" : "false");
}

function selectedEvent(): "check-in" | "check-out" {
  return (document.querySelector<HTMLInputElement>('input[name="event"]:checked')?.value ?? "check-in") as "check-in" | "check-out";
}

/** The task list's names, as the service sends them with the client list. */
function renderTasks(names: string[]): void {
  byId<HTMLDivElement>("task-list").replaceChildren(
    ...names.map((task) => {
      const label = document.createElement("label");
      label.className = "choice";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "task";
      box.value = task;
      label.append(box, " " + task.replace(/-/g, " "));
      return label;
    }),
  );
}

async function sendVisit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const check = checkTypedCode(byId<HTMLInputElement>("code").value);
  const client = byId<HTMLSelectElement>("client").value;
  if (!client) return notice("Pick the client first.", true);
  if (!check.code) {
    notice(check.wrong ? check.message : `The code is not complete: ${check.message}`, true);
    return byId<HTMLInputElement>("code").focus();
  }
  const reading = newReading(client, { method: "typed", transport: "keyboard", typedCode: check.code }, new Date());
  await submit(reading, `code ${check.code.slice(0, 4)} ${check.code.slice(4, 8)} ${check.code.slice(8)}`);
  byId<HTMLInputElement>("code").value = "";
  updateCodeCheck();
  await renderSent();
}

/** A reading of the chosen client and event, with the tasks at check-out (visitReading.ts). */
function newReading(client: string, presence: Presence, at: Date): Record<string, JsonValue> {
  const who = reader ?? session!;
  const tasks = Array.from(document.querySelectorAll<HTMLInputElement>('input[name="task"]:checked'), (box) => box.value);
  return visitReading(
    { readerId: reader ? reader.readerId : "shared-computer", providerNumber: who.providerNumber, caregiverId: who.caregiverId, clientNdNumber: client, event: selectedEvent(), tasks },
    presence,
    at,
  );
}

/** Signs and queues (enrolled browser) or sends (signed in) a reading, and tells what became of it; false when nothing was kept or sent (a shared computer offline). */
async function submit(reading: Record<string, JsonValue>, how: string): Promise<boolean> {
  const kind = reading.event as string;
  const tasks = (reading.tasks as string[] | undefined) ?? [];
  const clientName = byId<HTMLSelectElement>("client").selectedOptions[0]?.text ?? String(reading.clientNdNumber);
  const summary = `${kind === "check-in" ? "Check-in" : "Check-out"} at ${clientName}, ${how}${tasks.length ? `, tasks: ${tasks.join(", ")}` : ""}`;
  if (reader) {
    const item: QueuedReading = { readingId: reading.readingId as string, body: await signReading(reading), summary, state: "waiting", outcome: "", madeMs: Date.now() };
    await putQueued(item);
    await sendQueue();
    const after = (await allQueued()).find((q) => q.readingId === item.readingId)!;
    notice(after.state === "waiting" ? `${summary}: no connection now. It is kept on this device and sent when the connection returns.` : `${summary}: ${after.outcome}`, after.state === "refused");
  } else {
    let outcome: QueuedReading;
    try {
      const answer = await postJson("/v1/session/readings", { reading }, session!.token);
      const ok = answer.status === 201 || answer.status === 200;
      outcome = { readingId: reading.readingId as string, body: "", summary, state: ok ? "sent" : "refused", outcome: ok ? "Sent; HHS received it." : refusalWords(answer), madeMs: Date.now() };
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      notice("No connection: nothing was sent. On a shared computer nothing is kept; send it again when connected.", true);
      return false;
    }
    sessionSent.unshift(outcome);
    notice(`${summary}: ${outcome.outcome}`, outcome.state === "refused");
  }
  await renderSent();
  return true;
}

/** The Bluetooth challenge: the fob answers a fresh nonce (bluetoothChallenge.ts). */
async function readByBluetooth(): Promise<void> {
  const client = byId<HTMLSelectElement>("client").value;
  if (!client) return notice("Pick the client first.", true);
  notice("Choose the fob in the list your browser shows, then wait for its answer.");
  let evidence;
  try {
    // Loaded only when asked for: the typed entry never needs it (an old phone's download stays small).
    const { challengeFob } = await import("./bluetoothChallenge.js");
    evidence = await challengeFob();
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "NotFoundError") return notice("No fob was chosen. Press the fob's button and try again, or type the code.", true);
    return notice(error instanceof Error ? error.message : String(error), true);
  }
  await submit(newReading(client, { method: "challenge", transport: "ble", challenge: { ...evidence } }, new Date()), `fob ${evidence.deviceId} answered by Bluetooth`);
}

async function enterVisitScreen(): Promise<void> {
  byId("who").textContent = whoText();
  byId("sign-out").hidden = session === null;
  show("visit");
  renderTap();
  restoreClients();
  await renderSent();
  await loadClients();
  if (reader) {
    await sendQueue();
    await renderSent();
  }
}

async function start(): Promise<void> {
  updateCodeCheck();
  byId("code").addEventListener("input", updateCodeCheck);
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="event"]'))
    radio.addEventListener("change", () => (byId("tasks").hidden = selectedEvent() !== "check-out"));
  byId("go-enroll").addEventListener("click", () => show("enroll"));
  byId("go-signin").addEventListener("click", () => show("signin"));
  byId("go-password").addEventListener("click", () => show("password"));
  byId<HTMLFormElement>("password-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const password = byId<HTMLInputElement>("new-password").value;
    if (password.length < 12) return notice("The password needs at least 12 characters.", true);
    void postJson("/v1/caregivers/password", { enrollmentCode: byId<HTMLInputElement>("password-code").value.trim(), password })
      .then((answer) => {
        byId<HTMLInputElement>("new-password").value = "";
        if (answer.status !== 204) return notice(refusalWords(answer), true);
        notice("Password set. Sign in with it now.");
        show("signin");
      })
      .catch(fail);
  });
  for (const back of document.querySelectorAll<HTMLButtonElement>("button.back")) back.addEventListener("click", () => show("start"));
  byId<HTMLFormElement>("visit-form").addEventListener("submit", (e) => void sendVisit(e).catch(fail));
  byId<HTMLFormElement>("enroll-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void enrollBrowser(byId<HTMLInputElement>("enroll-code").value)
      .then(async (enrolled) => {
        reader = enrolled;
        notice(`This device is enrolled for caregiver ${enrolled.caregiverId}. Its key stays on this device.`);
        await enterVisitScreen();
      })
      .catch(fail);
  });
  byId<HTMLFormElement>("signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const providerNumber = byId<HTMLInputElement>("signin-provider").value.trim();
    const caregiverId = byId<HTMLInputElement>("signin-caregiver").value.trim();
    void postJson("/v1/sessions", { providerNumber, caregiverId, password: byId<HTMLInputElement>("signin-password").value })
      .then(async (answer) => {
        byId<HTMLInputElement>("signin-password").value = "";
        if (answer.status !== 201) return notice(refusalWords(answer), true);
        session = { token: answer.body.token as string, providerNumber, caregiverId };
        sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
        notice("Signed in. Sign out when you are done.");
        await enterVisitScreen();
      })
      .catch(fail);
  });
  byId("sign-out").addEventListener("click", () => {
    const token = session?.token;
    session = null;
    sessionStorage.removeItem(SESSION_KEY);
    keepTap(null);
    sessionSent.length = 0;
    if (token) void fetch("/v1/sessions", { method: "DELETE", headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    byId("who").textContent = "";
    notice("Signed out.");
    show("start");
  });
  byId("read-bluetooth").hidden = !("bluetooth" in navigator);
  byId("read-nfc").hidden = !webNfcAvailable();
  byId("read-nfc").addEventListener("click", () => void readByNfc().catch(fail));
  byId("send-tap").addEventListener("click", () => void sendTap().catch(fail));
  byId("discard-tap").addEventListener("click", () => {
    keepTap(null);
    notice("The tap was discarded; nothing was sent.");
  });
  byId("read-bluetooth").addEventListener("click", () => void readByBluetooth().catch(fail));
  window.addEventListener("online", () => void sendQueue().then(renderSent).catch(fail));
  // A tap while the app is open in this tab: the browser only changes the "#" part.
  window.addEventListener("hashchange", () => {
    takeTapFromAddress();
    if (pendingTap && !reader && !session) notice(TAP_KEPT);
  });
  // Keeps the app itself for opening without a connection (src/serviceWorker.ts).
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => undefined);

  if (!webCryptoAvailable()) {
    byId("go-enroll").hidden = true;
    byId("no-crypto").hidden = false;
  } else {
    reader = await loadReader();
  }
  const kept = sessionStorage.getItem(SESSION_KEY);
  if (!reader && kept) session = JSON.parse(kept) as Session;
  takeTapFromAddress();
  if (reader || session) await enterVisitScreen();
  else {
    show("start");
    if (pendingTap) notice(TAP_KEPT);
  }
}

function fail(error: unknown): void {
  notice(error instanceof Error ? error.message : String(error), true);
}

start().catch(fail);
