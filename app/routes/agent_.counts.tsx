// How many tickets each of the signed-in person's views holds, as JSON, for
// the workspace's view bar to follow live (it asks again after tickets change).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { timeZoneFromRequest } from "../utils/format.ts";
import { countViews, db, listViews, requirePermission, resolveFor } from "../services.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const views = await listViews(db(), user);
  const timeZone = timeZoneFromRequest(request);
  const counts = await countViews(db(), user, views.map((view) => resolveFor(view, user, timeZone)));
  return Response.json(Object.fromEntries(views.map((view, i) => [view.key, counts[i]])), { headers: { "Cache-Control": "no-store" } });
}
