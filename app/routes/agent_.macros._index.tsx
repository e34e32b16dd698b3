// The macros an agent may apply: shared ones and their own, the most used
// first, each with what it does.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { LOCALES, type Locale } from "../i18n/config.ts";
import { useMacroEffects } from "../components/Macros.tsx";
import { db, fieldChoices, listMacros, requirePermission } from "../services.server.ts";
import { pageTitle } from "../utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "macros.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const [macros, { agents, teams }] = await Promise.all([listMacros(db(), user), fieldChoices(db(), user)]);
  return { macros, agents, teams };
}

export default function Macros() {
  const { macros, agents, teams } = useLoaderData<typeof loader>();
  const { t, language } = useT();
  const effects = useMacroEffects({ agents, teams });
  return (
    <div className="page macros-page">
      <p>
        <Link to="/agent">← {t("agent.queueTitle")}</Link>
      </p>
      <div className="page-head">
        <h1>{t("macros.title")}</h1>
        <Link to="/agent/macros/new" className="btn btn-small">
          {t("macros.new")}
        </Link>
      </div>
      <p className="muted">{t("macros.lead")}</p>
      {macros.length === 0 ? (
        <p className="card muted">{t("macros.none")}</p>
      ) : (
        <ul className="macro-list card" data-testid="macro-list">
          {macros.map((m) => {
            const does = [
              ...(m.reply ? [t("macros.does.reply")] : []),
              ...(m.note ? [t("macros.does.note")] : []),
              ...effects(m.actions),
            ];
            return (
              <li key={m.id}>
                <div className="macro-head">
                  <strong>{m.name}</strong>{" "}
                  <span className="badge">{m.shared ? t("macros.sharedBadge") : t("macros.mine")}</span>
                  {m.editable && (
                    <Link to={`/agent/macros/${m.id}`} className="small">
                      {t("macros.edit")}
                    </Link>
                  )}
                </div>
                <p className="small">{does.join(" · ")}</p>
                {m.reply && (
                  <p className="muted small macro-excerpt">
                    {[language, ...LOCALES]
                      .map((l) => m.reply?.[l as Locale])
                      .find(Boolean)
                      ?.replace(/\s+/g, " ")
                      .slice(0, 160)}
                  </p>
                )}
                <p className="muted small">{m.usageCount > 0 ? t("macros.used", { count: m.usageCount }) : t("macros.neverUsed")}</p>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
