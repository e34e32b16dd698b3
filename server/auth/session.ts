// Cookie sessions (signed, httpOnly) for the portal and the workspace; the
// Socket.IO handshake reads the same cookie. Guards throw responses, so a
// loader or action reads top to bottom.
import { createCookieSessionStorage, redirect } from "@remix-run/node";
import { db } from "../db/client.ts";
import { runtimeSettings, singleton } from "../runtime.ts";
import { loadAuthUser } from "./users.ts";
import { can, type AuthUser, type Permission, type Role } from "./policy.ts";

const SESSION_DAYS = 14;

export function sessionStorage() {
  return singleton("sessionStorage", () => {
    const settings = runtimeSettings();
    return createCookieSessionStorage<{ userId: string }>({
      cookie: {
        name: "helpdesk_session",
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        secure: settings.secureCookies,
        secrets: [settings.sessionSecret],
        maxAge: SESSION_DAYS * 86_400,
      },
    });
  });
}

export async function userIdFromCookie(cookieHeader: string | null | undefined): Promise<string | null> {
  const session = await sessionStorage().getSession(cookieHeader);
  return session.get("userId") ?? null;
}

export async function getUser(request: Request): Promise<AuthUser | null> {
  const userId = await userIdFromCookie(request.headers.get("Cookie"));
  return userId ? loadAuthUser(db(), userId) : null;
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
  session.set("userId", userId);
  return redirect(redirectTo, { headers: { "Set-Cookie": await sessionStorage().commitSession(session) } });
}

export async function destroyUserSession(request: Request) {
  const session = await sessionStorage().getSession(request.headers.get("Cookie"));
  return redirect("/", { headers: { "Set-Cookie": await sessionStorage().destroySession(session) } });
}

/** Where a user lands after signing in: the widest page they may open. */
export function homeFor(user: { role: Role }): string {
  if (can(user, "boards.view")) return "/supervisor";
  if (can(user, "workspace.use")) return "/agent";
  return "/portal";
}
