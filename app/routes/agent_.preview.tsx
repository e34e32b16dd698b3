// POST /agent/preview: what a reply or note written in Markdown will look
// like, rendered by the same code as the message itself (app/components/Composer.tsx).
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { MAX_MESSAGE } from "../../server/tickets/schemas.ts";
import { renderMessageHtml, requirePermission } from "../services.server.ts";
import { readForm } from "../utils/forms.server.ts";

const PreviewForm = z.object({ text: z.string().max(MAX_MESSAGE, "validation.bodyTooLong") });

export const loader = () => redirect("/agent");

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "workspace.use");
  const parsed = PreviewForm.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return { html: "", error: parsed.error.issues[0]?.message ?? "validation.body" };
  return { html: renderMessageHtml(parsed.data.text), error: null };
}
