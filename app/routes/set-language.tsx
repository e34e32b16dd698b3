import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { LOCALE_COOKIE, LOCALES } from "../i18n/config.ts";
import { readForm } from "../utils/forms.server.ts";
import { safeRedirect } from "../utils/redirect.ts";

const LanguageForm = z.object({ locale: z.enum(LOCALES), redirectTo: z.string().optional() });

export const loader = () => redirect("/");

export async function action({ request }: ActionFunctionArgs) {
  const parsed = LanguageForm.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) throw new Response("errors.validation", { status: 400 });
  return redirect(safeRedirect(parsed.data.redirectTo ?? null, "/"), {
    headers: {
      "Set-Cookie": `${LOCALE_COOKIE}=${encodeURIComponent(parsed.data.locale)}; Path=/; Max-Age=31536000; SameSite=Lax`,
    },
  });
}
