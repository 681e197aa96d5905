// The caregiver's web app (webapp/, issue 12) at /app/: the page, its style sheet, the script
// and the service worker that keeps them for opening offline, each script bundled with esbuild from webapp/src/main.ts (which imports protocol/ unchanged) on
// the first request and kept in memory. Also registers the client list the app asks for. The
// fob's NFC tap opens /app/#<frame> (the base URL given at provisioning, `--tap-url`).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";
import { build } from "esbuild";
import type { ServiceContext } from "../serviceContext.js";
import { caregiverClientRoutes } from "./caregiverClientRoutes.js";

const webappDir = fileURLToPath(new URL("../../../webapp/", import.meta.url));

/** Browsers the bundle is written for: Chrome 64 (2018, Android), Firefox 67 (dynamic import), iOS 15 (iPhone 6s and later); esbuild refuses Safari before 15 for its destructuring bug. */
export const WEBAPP_TARGETS = ["chrome64", "firefox67", "safari15", "ios15"];

/**
 * The app's scripts by file name: app.js (src/main.ts, an ES module) with the chunks it loads
 * when needed (chunk-<hash>.js: the Bluetooth challenge and its answer schema, which the typed
 * entry never loads), and sw.js (src/serviceWorker.ts, a classic script as service workers are
 * in every browser).
 */
export async function bundleWebApp(): Promise<Map<string, string>> {
  const common = { bundle: true, write: false, target: WEBAPP_TARGETS, minify: true, legalComments: "none", logLevel: "silent" } as const;
  const [app, worker] = await Promise.all([
    build({ ...common, entryPoints: { app: webappDir + "src/main.ts" }, format: "esm", splitting: true, outdir: "/app-out", chunkNames: "chunk-[hash]" }),
    build({ ...common, entryPoints: { sw: webappDir + "src/serviceWorker.ts" }, format: "iife", outdir: "/app-out" }),
  ]);
  const files = new Map<string, string>();
  for (const file of [...app.outputFiles, ...worker.outputFiles]) files.set(file.path.slice(file.path.lastIndexOf("/") + 1), file.text);
  return files;
}

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

export async function webAppRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  await app.register(caregiverClientRoutes, { ctx });
  const send = (reply: FastifyReply, type: string, body: string) => reply.headers(SECURITY_HEADERS).type(type).send(body);

  app.get("/app", async (_request, reply) => reply.redirect("/app/"));
  // A tap URL whose base is the bare origin (https://hhs.example#<frame>): browsers keep the "#" part through the redirect.
  app.get("/", async (_request, reply) => reply.redirect("/app/"));
  app.get("/app/", async (_request, reply) => send(reply, "text/html; charset=utf-8", await readFile(webappDir + "index.html", "utf8")));
  app.get("/app/app.css", async (_request, reply) => send(reply, "text/css; charset=utf-8", await readFile(webappDir + "app.css", "utf8")));
  // Bundled on the first request for a script, kept in memory.
  let scripts: Promise<Map<string, string>> | null = null;
  app.get<{ Params: { script: string } }>("/app/:script", async (request, reply) => {
    const name = request.params.script;
    if (!/^(app|sw|chunk-[A-Z0-9]+)\.js$/.test(name)) return reply.callNotFound();
    scripts ??= bundleWebApp();
    let files: Map<string, string>;
    try {
      files = await scripts;
    } catch (error) {
      scripts = null;
      throw error;
    }
    const text = files.get(name);
    if (text === undefined) return reply.callNotFound();
    return send(reply, "text/javascript; charset=utf-8", text);
  });
}
