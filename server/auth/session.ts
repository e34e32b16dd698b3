// Sessions for the portal and the workspace: the (signed, httpOnly) cookie
// holds a random session id, and the Session table decides whether it is
// still good: it ends at sign-out, SESSION_DAYS after sign-in, or after
// IDLE_DAYS without use. The Socket.IO handshake reads the same cookie.
// Guards throw responses, so a loader or action reads top to bottom.
import { randomBytes } from "node:crypto";
import { tokenDigest } from "./token-digest.ts";
import { createCookieSessionStorage, redirect } from "@remix-run/node";
import { db, sqlOf, type Db, type Tx } from "../db/client.ts";
import { runtimeSettings, singleton } from "../runtime.ts";
import { AUTH_USER_COLUMNS, type AuthUserRow } from "./users.ts";
import { can, type AuthUser, type Permission, type Role } from "./policy.ts";

export const SESSION_DAYS = 14;
export const IDLE_DAYS = 3;
/** Recording use at most this often keeps a write off most requests. */
const TOUCH_EVERY_MS = 5 * 60_000;
const DAY_MS = 86_400_000;


/**
 * Did the browser reach us over HTTPS, directly or through a proxy that says
 * so? Then the cookie is Secure; a plain-http install on a LAN still works.
 * (A client that lies about the proxy header only gets a cookie its own
 * browser will not send back over http.)
 */
export function isHttps(request: Request): boolean {
  const forwarded = request.headers.get("X-Forwarded-Proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https" || new URL(request.url).protocol === "https:";
}

/** Reads and writes the session cookie; `secure` only changes how it is written. */
export function sessionStorage(secure = false) {
  return singleton(`sessionStorage:${secure}`, () => {
    const settings = runtimeSettings();
    return createCookieSessionStorage<{ sid: string }>({
      cookie: {
        name: "helpdesk_session",
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        secure,
        secrets: [settings.sessionSecret],
        maxAge: SESSION_DAYS * 86_400,
      },
    });
  });
}

/** Starts a session for a user who has just proven who they are; returns the id for the cookie. */
export async function startSession(database: Tx, userId: string, now = new Date()): Promise<string> {
  const sid = randomBytes(32).toString("base64url");
  await database.session.create({
    data: { id: tokenDigest(sid), userId, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_DAYS * DAY_MS) },
  });
  return sid;
}

/** A good session: whose it is, and the stored digest that names it (never the id from the cookie). */
export interface LiveSession {
  userId: string;
  sessionKey: string;
}

/**
 * A session id's session while it is good, with its user (not deactivated),
 * in one query: every page asks. Ends a session that has run out and records
 * use now and then.
 */
async function readSession(database: Db, sid: string, now: Date): Promise<{ sessionKey: string; user: AuthUser } | null> {
  const id = tokenDigest(sid);
  const sql = sqlOf(database);
  const [row] = await sql.query<AuthUserRow & { expiresAt: Date; lastSeenAt: Date }>(
    `SELECT s."expiresAt", s."lastSeenAt", ${AUTH_USER_COLUMNS}
     FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."id" = $1 AND u."deactivatedAt" IS NULL`,
    [id],
  );
  if (!row) return null;
  if (row.expiresAt <= now || now.getTime() - row.lastSeenAt.getTime() > IDLE_DAYS * DAY_MS) {
    await sql.query(`DELETE FROM "Session" WHERE "id" = $1`, [id]);
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await sql.query(`UPDATE "Session" SET "lastSeenAt" = $2::timestamp(3) WHERE "id" = $1`, [id, now.toISOString()]);
  }
  const { expiresAt: _expiresAt, lastSeenAt: _lastSeenAt, ...user } = row;
  return { sessionKey: id, user };
}

async function liveSession(database: Db, sid: string, now: Date): Promise<LiveSession | null> {
  const session = await readSession(database, sid, now);
  return session && { userId: session.user.id, sessionKey: session.sessionKey };
}

/** The user a session id belongs to while the session is good. */
export async function sessionUserId(database: Db, sid: string, now = new Date()): Promise<string | null> {
  return (await readSession(database, sid, now))?.user.id ?? null;
}

/** The signed-in user of a session id while the session is good. */
export async function sessionUser(database: Db, sid: string, now = new Date()): Promise<AuthUser | null> {
  return (await readSession(database, sid, now))?.user ?? null;
}

/** Which of these sessions (by their stored digest) are still there: the live channel drops sockets of the others. */
export async function remainingSessions(database: Tx, userId: string, sessionKeys: string[]): Promise<Set<string>> {
  const rows = await database.session.findMany({ where: { userId, id: { in: sessionKeys } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

export async function endSession(database: Tx, sid: string): Promise<void> {
  await database.session.deleteMany({ where: { id: tokenDigest(sid) } });
}

/** Sessions past their end (the daily job); a session is refused as soon as it ends, this only tidies up. */
export async function pruneSessions(database: Tx, now = new Date()): Promise<number> {
  const { count } = await database.session.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lt: new Date(now.getTime() - IDLE_DAYS * DAY_MS) } }] },
  });
  return count;
}

/** The good session a Cookie header carries, if any (the socket handshake keeps its key). */
export async function sessionFromCookie(cookieHeader: string | null | undefined): Promise<LiveSession | null> {
  const session = await sessionStorage().getSession(cookieHeader);
  const sid = session.get("sid");
  return typeof sid === "string" ? liveSession(db(), sid, new Date()) : null;
}

export async function userIdFromCookie(cookieHeader: string | null | undefined): Promise<string | null> {
  return (await sessionFromCookie(cookieHeader))?.userId ?? null;
}

/**
 * Lookups under way, by Cookie header. The root's and the page's loaders of
 * one page load ask at the same moment, each with its own copy of the
 * Request, so they share the one lookup in flight instead of reading the
 * session twice. Nothing is kept once it answers: the next request asks again.
 */
const lookupsInFlight = new Map<string, Promise<AuthUser | null>>();

export function getUser(request: Request): Promise<AuthUser | null> {
  const cookie = request.headers.get("Cookie");
  if (!cookie) return Promise.resolve(null);
  let user = lookupsInFlight.get(cookie);
  if (!user) {
    user = sessionStorage()
      .getSession(cookie)
      .then((session) => {
        const sid = session.get("sid");
        return typeof sid === "string" ? sessionUser(db(), sid) : null;
      })
      .finally(() => lookupsInFlight.delete(cookie));
    lookupsInFlight.set(cookie, user);
  }
  return user;
}

/** The signed-in user, or a redirect to the sign-in page that comes back here. */
export async function requireUser(request: Request): Promise<AuthUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

/** The signed-in user if they hold the permission; a 403 if not; the sign-in page if nobody is signed in. */
export async function requirePermission(request: Request, permission: Permission): Promise<AuthUser> {
  const user = await requireUser(request);
  if (!can(user, permission)) throw new Response("errors.forbidden", { status: 403 });
  return user;
}

export async function createUserSession(request: Request, userId: string, redirectTo: string) {
  const session = await sessionStorage().getSession(request.headers.get("Cookie"));
  // A new id at every sign-in: an id someone planted or saw before is worth nothing after it.
  const previous = session.get("sid");
  if (typeof previous === "string") await endSession(db(), previous);
  return redirect(redirectTo, { headers: { "Set-Cookie": await sessionCookie(request, await startSession(db(), userId)) } });
}

/** The Set-Cookie value that hands this browser a session already started (e.g. after a password change). */
export async function sessionCookie(request: Request, sid: string): Promise<string> {
  const session = await sessionStorage().getSession(request.headers.get("Cookie"));
  session.set("sid", sid);
  return sessionStorage(isHttps(request)).commitSession(session);
}

/** Signing out ends the session itself, so a copy of the cookie stops working too. */
export async function destroyUserSession(request: Request) {
  const session = await sessionStorage().getSession(request.headers.get("Cookie"));
  const sid = session.get("sid");
  if (typeof sid === "string") await endSession(db(), sid);
  return redirect("/", { headers: { "Set-Cookie": await sessionStorage(isHttps(request)).destroySession(session) } });
}

/** Where a user lands after signing in: the widest page they may open. */
export function homeFor(user: { role: Role }): string {
  if (can(user, "boards.view")) return "/supervisor";
  if (can(user, "workspace.use")) return "/agent";
  return "/portal";
}
