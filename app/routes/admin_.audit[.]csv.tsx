// The audit log as CSV (server/audit/service.ts), with the page's filters and
// the reader's time zone; streamed, so a long log is never held whole. Needs
// audit.view and data.export; the download is recorded in the log.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { asResponse } from "../utils/forms.server.ts";
import { timeZoneFromRequest } from "../utils/format.ts";
import { csvHeaders, db, exportAuditCsv, requirePermission } from "../services.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "audit.view");
  const params = new URL(request.url).searchParams;
  // A field left empty ("anyone") filters nothing.
  const given = Object.fromEntries(["actorId", "action", "from", "to"].flatMap((k) => (params.get(k) ? [[k, params.get(k)]] : [])));
  const filter = { ...given, timeZone: timeZoneFromRequest(request) };
  try {
    const csv = await exportAuditCsv(db(), user, filter, { ip: context.clientIp });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await csv.lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await csv.lines.return(undefined);
      },
    });
    return new Response(body, { headers: csvHeaders(csv.filename) });
  } catch (error) {
    return asResponse(error);
  }
}
