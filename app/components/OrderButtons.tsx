// Pieces of the admin lists kept in an order (ticket fields, routing rules,
// automations): a row's place with its ↑/↓ buttons, and for rules and
// automations its on/off state with the edit link and switch. Each is a small
// form, so it works without scripts; the page's action takes the intents
// "up"/"down" and "enable"/"disable" with the row's id.
import { Form, Link } from "@remix-run/react";
import { useT } from "../i18n/i18n.ts";

/** The row's number in the order and the buttons that move it. */
export function OrderButtons({ id, index, count, busy, upLabel, downLabel }: { id: string; index: number; count: number; busy: boolean; upLabel: string; downLabel: string }) {
  return (
    <Form method="post" className="order-buttons">
      <input type="hidden" name="id" value={id} />
      <span className="order-number">{index + 1}</span>
      <button type="submit" name="intent" value="up" className="btn-link order-move" disabled={busy || index === 0} aria-label={upLabel} title={upLabel}>
        ↑
      </button>
      <button type="submit" name="intent" value="down" className="btn-link order-move" disabled={busy || index === count - 1} aria-label={downLabel} title={downLabel}>
        ↓
      </button>
    </Form>
  );
}

/** A rule's or automation's state cell and its actions cell (edit, switch on or off). */
export function OnOffCells({ id, enabled, editTo, busy }: { id: string; enabled: boolean; editTo: string; busy: boolean }) {
  const { t } = useT();
  return (
    <>
      <td data-label={t("admin.rules.columns.status")}>
        <span className={`badge rule-state ${enabled ? "status-active" : ""}`}>{enabled ? t("admin.rules.on") : t("admin.rules.off")}</span>
      </td>
      <td data-label={t("admin.rules.columns.actions")}>
        <Form method="post" className="row-actions">
          <input type="hidden" name="id" value={id} />
          <Link to={editTo}>{t("admin.rules.edit")}</Link>
          <button type="submit" name="intent" value={enabled ? "disable" : "enable"} className="btn-link" disabled={busy}>
            {enabled ? t("admin.rules.turnOff") : t("admin.rules.turnOn")}
          </button>
        </Form>
      </td>
    </>
  );
}
