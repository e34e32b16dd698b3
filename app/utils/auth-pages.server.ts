import { redirect } from "@remix-run/node";
import { getUser, homeFor } from "../services.server.ts";

/** Sign-in and sign-up pages send people who are already signed in home. */
export async function redirectIfSignedIn(request: Request): Promise<null> {
  const user = await getUser(request);
  if (user) throw redirect(homeFor(user));
  return null;
}
