// The app's service worker (/app/sw.js): keeps the page, its script and style sheet, so the app
// opens without a connection (at a client's home with no signal) and the readings kept in
// IndexedDB can be made and later sent. Network first, so an update arrives whenever online;
// the API (/v1/...) is never cached.
interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEventLike extends ExtendableEventLike {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEventLike) => void): void;
}

const scope = self as unknown as ServiceWorkerScope;
const CACHE = "evv-app";
const APP_FILES = ["/app/", "/app/app.js", "/app/app.css"];
/** The chunks app.js imports (all kept at install, so the Bluetooth reader opens offline too). */
const APP_CHUNK = /^\/app\/chunk-[A-Z0-9]+\.js$/;

scope.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(async (cache) => {
        await cache.addAll(APP_FILES);
        // The chunks app.js imports, named by content hash: found in its text.
        const script = await (await cache.match("/app/app.js"))!.text();
        const chunks = Array.from(new Set(script.match(/chunk-[A-Z0-9]+\.js/g) ?? []), (name) => "/app/" + name);
        await cache.addAll(chunks);
      })
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener("activate", (event) => event.waitUntil(scope.clients.claim()));

scope.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== scope.location.origin || !(APP_FILES.includes(url.pathname) || APP_CHUNK.test(url.pathname))) return;
  event.respondWith(
    fetch(event.request)
      .then(async (response) => {
        if (response.ok) await (await caches.open(CACHE)).put(url.pathname, response.clone());
        return response;
      })
      .catch(async () => (await caches.match(url.pathname)) ?? Response.error()),
  );
});
