// Teams (teams.manage): how each assigns its tickets, who is in it and who of
// them takes work now, and its load.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";
import { pageTitle } from "../utils/meta.ts";
import { db, listTeams, requirePermission } from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "adminTeams.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "teams.manage");
  return { teams: await listTeams(db(), user) };
}

export default function AdminTeams() {
  const { teams } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <>
      <h1>{t("adminTeams.title")}</h1>
      <div className="admin-actions">
        <Link to="/admin/teams/new" className="btn">
          {t("adminTeams.new")}
        </Link>
      </div>
      <table className="admin-table" data-testid="teams-table">
        <thead>
          <tr>
            <th>{t("adminTeams.name")}</th>
            <th>{t("adminTeams.assignment")}</th>
            <th>{t("adminTeams.members")}</th>
            <th>{t("adminTeams.load")}</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((team) => (
            <tr key={team.id}>
              <td>
                <Link to={`/admin/teams/${team.id}`}>{team.name}</Link>
                <div className="muted small">{team.key}</div>
              </td>
              <td data-label={t("adminTeams.assignment")}>
                {t(`adminTeams.modes.${team.assignmentMode}`)}
                {team.assignBySkills && <span className="badge">{t("adminTeams.bySkills")}</span>}
              </td>
              <td data-label={t("adminTeams.members")}>
                {t("adminTeams.membersOnline", { count: team.members.length, online: team.members.filter((m) => m.availability === "online" && !m.invitedAt).length })}
              </td>
              <td data-label={t("adminTeams.load")}>{t("adminTeams.openUnassigned", { open: team.openTickets, waiting: team.unassignedTickets })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
