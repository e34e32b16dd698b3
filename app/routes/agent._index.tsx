// The workspace with no ticket open: the list (app/routes/agent.tsx) has the room.
import { useT } from "../i18n/i18n.ts";

export default function NoTicketOpen() {
  const { t } = useT();
  return <p className="muted pane-hint">{t("agent.selectTicket")}</p>;
}
