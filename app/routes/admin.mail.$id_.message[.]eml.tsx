// /admin/mail/:id/message.eml: the sent mail exactly as the local sink kept it, for whoever may read the mail (server/mail/outbound-admin.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { asResponse } from "../utils/forms.server.ts";
import { db, outboundEml, requirePermission } from "../services.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  const eml = await outboundEml(db(), user, params.id ?? "").catch(asResponse);
  if (!eml) throw new Response("mail.admin.notFound", { status: 404 });
  return new Response(new Uint8Array(eml.bytes), {
    headers: {
      "Content-Type": "message/rfc822",
      "Content-Disposition": `attachment; filename="${eml.filename.replace(/[^\w.-]/g, "_")}"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}
