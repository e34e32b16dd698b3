// Changing many tickets at once from the workspace. With scripts the list
// sends the selection here a slice at a time (showing progress) and reads the
// results; without, the form posts here and this page shows the report.
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { bulkChange, db, DomainError, requirePermission } from "../services.server.ts";
import { readForm } from "../utils/forms.server.ts";
import { bulkFromForm } from "../utils/bulk-forms.ts";
import { pageTitle } from "../utils/meta.ts";
import { BulkReport } from "../components/Bulk.tsx";
import { useT } from "../i18n/i18n.ts";
import { safeRedirect } from "../utils/redirect.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "bulk.title");

export async function loader() {
  return redirect("/agent");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const form = await readForm(request);
  const back = safeRedirect(form.get("back"), "/agent");
  try {
    return { back, results: await bulkChange(db(), user, bulkFromForm(form)), error: null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // Bad input (nothing chosen, nothing to change): said once for the whole selection.
    const detail = error.details ? Object.values(error.details).flat()[0] : undefined;
    return { back, results: [], error: detail ?? error.messageKey };
  }
}

export default function BulkDone() {
  const data = useActionData<typeof action>();
  const { t } = useT();
  return (
    <div className="page">
      <h1>{t("bulk.title")}</h1>
      {data && <BulkReport results={data.results} error={data.error} total={data.results.length} />}
      <p>
        <Link to={data?.back ?? "/agent"}>← {t("agent.queueTitle")}</Link>
      </p>
    </div>
  );
}
