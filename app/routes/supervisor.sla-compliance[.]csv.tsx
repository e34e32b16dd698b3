// SLA compliance as CSV (server/boards/compliance-csv.ts): the range and time
// zone as the board shows them. The download is recorded in the audit log.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { asResponse } from "../utils/forms.server.ts";
import { csvHeaders, db, requirePermission, slaComplianceCsv } from "../services.server.ts";
import { timeZoneFromRequest } from "../utils/format.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "data.export");
  const params = new URL(request.url).searchParams;
  try {
    const range = { from: params.get("from"), to: params.get("to"), timeZone: timeZoneFromRequest(request) };
    const { filename, csv } = await slaComplianceCsv(db(), user, range, { ip: context.clientIp ?? null });
    return new Response(csv, { headers: csvHeaders(filename) });
  } catch (error) {
    return asResponse(error);
  }
}
