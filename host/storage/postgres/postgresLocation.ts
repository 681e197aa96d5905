// A PostgreSQL `--db` URL as the messages name it: user, host, port and database, never the password.

/** `postgres://user@host:port/database` from a connection URL (the password left out). */
export function serverOf(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    return `postgres://${user}${u.hostname || "localhost"}${u.port ? `:${u.port}` : ""}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "postgres://(an unreadable URL)";
  }
}
