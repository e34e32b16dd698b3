// POST /availability: the header's picker (server/auth/availability.ts).
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { db, requirePermission, setAvailability } from "../services.server.ts";
import { asResponse, readForm } from "../utils/forms.server.ts";
import { safeRedirect } from "../utils/redirect.ts";

export const loader = () => redirect("/");

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "tickets.assignable");
  const form = await readForm(request);
  const availability = await setAvailability(db(), user, { availability: form.get("availability") }).catch(asResponse);
  // Without scripts the form posted the page away: back to where it was.
  return form.has("redirectTo") ? redirect(safeRedirect(String(form.get("redirectTo")), "/agent")) : { availability };
}
