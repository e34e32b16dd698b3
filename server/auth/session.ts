// Cookie sessions (signed, httpOnly) for the portal and the workspace; the
// Socket.IO handshake reads the same cookie. Guards throw responses, so a
// loader or action reads top to bottom.
import { createCookieSessionStorage, redirect } from "@remix-run/node";
import { db } from "../db/client.ts";
import { runtimeSettings, singleton } from "../runtime.ts";
import { loadAuthUser } from "./users.ts";
import type { AuthUser, Role } from "./permissions.ts";

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
export async function requireUser(request: Request, roles?: readonly Role[]): Promise<AuthUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (roles && !roles.includes(user.role)) throw new Response("Forbidden", { status: 403 });
  return user;
}

export const STAFF_ROLES = ["agent", "supervisor", "admin"] as const;
export const SUPERVISOR_ROLES = ["supervisor", "admin"] as const;

export async function createUserSession(request: Request, userId: string, redirectTo: string) {
  const session = await sessionStorage().getSession(request.headers.get("Cookie"));
  session.set("userId", userId);
  return redirect(redirectTo, { headers: { "Set-Cookie": await sessionStorage().commitSession(session) } });
}

export async function destroyUserSession(request: Request) {
  const session = await sessionStorage().getSession(request.headers.get("Cookie"));
  return redirect("/", { headers: { "Set-Cookie": await sessionStorage().destroySession(session) } });
}

/** Where a user lands after signing in. */
export function homeFor(role: Role): string {
  if (role === "customer") return "/portal";
  if (role === "agent") return "/agent";
  return "/supervisor";
}
