// /admin opens the first section the signed-in person may use.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { adminSectionsFor } from "../utils/admin-sections.ts";
import { can, requireUser } from "../services.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [first] = adminSectionsFor((p) => can(user, p));
  if (!first) throw new Response("errors.forbidden", { status: 403 });
  return redirect(first.to);
}
