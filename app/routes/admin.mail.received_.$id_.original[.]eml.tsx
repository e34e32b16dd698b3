// /admin/mail/received/:id/original.eml (settings.manage): a received mail byte for byte, to open
// in a mail program or hand to whoever looks into it. Served as a download, never shown inline.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { asResponse } from "../utils/forms.server.ts";
import { db, inboundRaw, requirePermission } from "../services.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  if (!params.id || !/^[0-9a-f-]{36}$/i.test(params.id)) throw new Response("inbound.errors.mailNotFound", { status: 404 });
  const { raw, filename } = await inboundRaw(db(), user, params.id).catch(asResponse);
  return new Response(new Uint8Array(raw), {
    headers: {
      "Content-Type": "message/rfc822",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Content-Length": String(raw.length),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
