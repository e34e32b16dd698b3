// A person's notifications: newest first, unread marked, each linking to its
// ticket; mark one or all read; choose which kinds to get. New ones arrive
// live at the top.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import type { LiveNotification } from "../../server/realtime/protocol.ts";
import { NotificationText } from "../components/Notifications.tsx";
import { useT } from "../i18n/i18n.ts";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useSocket } from "../utils/socket.tsx";
import { useTimeFormat } from "../utils/time.tsx";
import {
  db,
  getPreferences,
  listNotifications,
  liveNotification,
  markRead,
  NOTIFICATION_KINDS,
  requirePermission,
  setPreferences,
} from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "notifications.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "notifications.read");
  const [page, preferences] = await Promise.all([listNotifications(db(), user, { limit: 50 }), getPreferences(db(), user)]);
  return { notifications: page.items.map(liveNotification), unread: page.unread, preferences };
}

const Intent = z.enum(["read", "read-all", "preferences"]).catch("read");

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "notifications.read");
  const form = await readForm(request);
  try {
    const intent = Intent.parse(form.get("intent"));
    if (intent === "read-all") return { ok: true as const, ...(await markRead(db(), user, { all: true })) };
    if (intent === "read") return { ok: true as const, ...(await markRead(db(), user, { ids: [form.get("id")] })) };
    // Unchecked boxes are not sent: every kind is named, on or off, in the app and by mail.
    await setPreferences(
      db(),
      user,
      Object.fromEntries(Object.keys(NOTIFICATION_KINDS).map((kind) => [kind, { inApp: form.get(kind) === "on", email: form.get(`${kind}.email`) === "on" }])),
    );
    return { ok: true as const, saved: true };
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function Notifications() {
  const data = useLoaderData<typeof loader>();
  const { t } = useT();
  const fmt = useTimeFormat();
  const { socket } = useSocket();
  const [items, setItems] = useState<LiveNotification[]>(data.notifications);
  useEffect(() => setItems(data.notifications), [data.notifications]);
  useEffect(() => {
    if (!socket) return;
    const onNew = (n: LiveNotification) => setItems((list) => (list.some((x) => x.id === n.id) ? list : [n, ...list]));
    socket.on("notification:new", onNew);
    return () => {
      socket.off("notification:new", onNew);
    };
  }, [socket]);
  const unread = items.filter((n) => !n.readAt).length;

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t("notifications.title")}</h1>
        {unread > 0 && (
          <Form method="post">
            <button type="submit" name="intent" value="read-all" className="btn btn-small">
              {t("notifications.readAll")}
            </button>
          </Form>
        )}
      </div>
      {items.length === 0 ? (
        <p className="empty card">{t("notifications.none")}</p>
      ) : (
        <ul className="notification-list card" data-testid="notifications">
          {items.map((n) => (
            <li key={n.id} className={n.readAt ? "read" : "unread"} data-kind={n.kind}>
              <div>
                <NotificationText notification={n} />
                <div className="muted small">
                  <time dateTime={n.createdAt}>{fmt.dateTime(n.createdAt)}</time>
                </div>
              </div>
              {!n.readAt && (
                <Form method="post">
                  <input type="hidden" name="id" value={n.id} />
                  <button type="submit" name="intent" value="read" className="btn-link small">
                    {t("notifications.markRead")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
      <Form method="post" className="card">
        <h2>{t("notifications.preferences")}</h2>
        <table className="admin-table" data-testid="notification-preferences">
          <thead>
            <tr>
              <th scope="col">{t("mail.preferences.kind")}</th>
              <th scope="col">{t("mail.preferences.inApp")}</th>
              <th scope="col">{t("mail.preferences.email")}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(data.preferences).map(([kind, choice]) => (
              <tr key={kind}>
                <td>{t(`notifications.kindNames.${kind}`)}</td>
                <td data-label={t("mail.preferences.inApp")}>
                  <input type="checkbox" name={kind} defaultChecked={choice.inApp} aria-label={`${t(`notifications.kindNames.${kind}`)}: ${t("mail.preferences.inApp")}`} />
                </td>
                <td data-label={t("mail.preferences.email")}>
                  <input
                    type="checkbox"
                    name={`${kind}.email`}
                    defaultChecked={choice.email}
                    aria-label={`${t(`notifications.kindNames.${kind}`)}: ${t("mail.preferences.email")}`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">{t("mail.preferences.hint")}</p>
        <button type="submit" name="intent" value="preferences" className="btn">
          {t("notifications.savePreferences")}
        </button>
      </Form>
    </div>
  );
}
