// SLA compliance as CSV, for a spreadsheet: one row per day, team, agent,
// policy and target with how many fell due and how many were met on time;
// the range and time zone as the board shows them.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { stringify } from "csv-stringify/sync";
import { db, DomainError, requirePermission, slaCompliance } from "../services.server.ts";
import { timeZoneFromRequest } from "../utils/format.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "boards.view");
  const params = new URL(request.url).searchParams;
  try {
    const report = await slaCompliance(db(), user, { from: params.get("from"), to: params.get("to"), timeZone: timeZoneFromRequest(request) });
    // Names come from people: one starting like a formula is read by a spreadsheet as text, not run.
    const text = (value: string | null) => (value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
    const csv = stringify(
      report.rows.map((r) => ({ ...r, team: text(r.team), agent: text(r.agent), policy: text(r.policy), onTime: r.due ? (r.met / r.due).toFixed(4) : "" })),
      {
        header: true,
        columns: [
          { key: "day", header: "day" },
          { key: "team", header: "team" },
          { key: "agent", header: "agent" },
          { key: "policy", header: "policy" },
          { key: "target", header: "target" },
          { key: "due", header: "due" },
          { key: "met", header: "met_on_time" },
          { key: "onTime", header: "share_on_time" },
        ],
      },
    );
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="sla-compliance-${report.from}-${report.to}.csv"`,
      },
    });
  } catch (error) {
    if (error instanceof DomainError) throw new Response(error.messageKey, { status: error.status });
    throw error;
  }
}
