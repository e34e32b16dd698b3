import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  type ShouldRevalidateFunction,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { LOCALES, localeFromRequest, type Locale } from "./i18n/config.ts";
import { i18nFor } from "./i18n/i18n.ts";
import { SocketProvider } from "./utils/socket.tsx";
import { AvailabilityPicker } from "./components/Availability.tsx";
import { timeZoneFromRequest } from "./utils/format.ts";
import { useTimeZoneCookie } from "./utils/time.tsx";
import styles from "./styles/app.css?url";
import { can, currentSettings, db, DEFAULT_SETTINGS, getUser, unreadCount } from "./services.server.ts";
import { NotificationBell } from "./components/Notifications.tsx";
import { TicketSearchBox } from "./components/Search.tsx";
import { pageTitle } from "./utils/meta.ts";
import { adminSectionsFor } from "./utils/admin-sections.ts";
import { useNonce } from "./utils/nonce.tsx";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, null);

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, settings] = await Promise.all([getUser(request), currentSettings(db())]);
  const notified = user && can(user, "notifications.read");
  return {
    locale: localeFromRequest(request, settings.defaultLocale),
    /** The name an admin gave the helpdesk; null: the product's own name, in the reader's language. */
    helpdeskName: settings.name === DEFAULT_SETTINGS.name ? null : settings.name,
    /** Whether visitors may create customer accounts. */
    signup: settings.customerSignup,
    user: user ? { id: user.id, name: user.name, role: user.role } : null,
    /** A customer whose address is not confirmed yet sees no request: the banner offers the link (app/routes/confirm-email.tsx). */
    unconfirmedEmail: user?.emailUnconfirmed ? user.email : null,
    /** Agents and supervisors say whether they take work (the header's picker). */
    availability: user && can(user, "tickets.assignable") ? user.availability : null,
    // Which sections the navigation offers: the pages' own guards decide the rest.
    sections: {
      portal: user ? can(user, "tickets.file") : false,
      workspace: user ? can(user, "workspace.use") : false,
      boards: user ? can(user, "boards.view") : false,
      search: user ? can(user, "tickets.search") : false,
      admin: user ? adminSectionsFor((p) => can(user, p)).length > 0 : false,
    },
    /** Unread notifications (staff); the bell counts on live from here. */
    unread: notified ? await unreadCount(db(), user) : null,
    // The server renders dates in this zone at this instant, and the browser
    // hydrates with the same two values (see app/utils/time.tsx).
    timeZone: timeZoneFromRequest(request),
    now: Date.now(),
  };
}

/**
 * The root data (who is signed in, language, time zone) changes only when
 * someone signs in or out, signs up, joins by an invitation, follows a mailed link or switches
 * language; every other form post and live refresh leaves it alone, which
 * saves a user lookup each time.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => {
  if (!formAction) return false;
  return ["/login", "/logout", "/signup", "/invite/", "/reset-password/", "/verify/", "/set-language", "/notifications", "/availability"].some((path) =>
    formAction.startsWith(path),
  )
    ? defaultShouldRevalidate
    : false;
};

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRootData();
  const locale: Locale = data?.locale ?? "en";
  const i18n = i18nFor(locale);
  const nonce = useNonce();
  useTimeZoneCookie();
  // After the first commit, every component's effects have run (children's first): the page now
  // answers to what only scripts do. Browser tests wait for it before such a step (tests/e2e/support.ts).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return (
    // data-scripts is set by the first script below, before anything shows:
    // parts that only work with scripts (the live badge) hide without them.
    <html lang={locale} suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: "document.documentElement.dataset.scripts='on'" }} />
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>
          <SocketProvider enabled={!!data?.user}>
            <Shell>{children}</Shell>
          </SocketProvider>
        </I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const data = useRootData();
  const user = data?.user;
  const location = useLocation();
  const sections = data?.sections;
  return (
    <>
      <a className="skip" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden>
            ◆
          </span>
          {data?.helpdeskName ?? t("app.name")}
        </Link>
        <nav className="mainnav" aria-label={t("nav.main")}>
          {sections?.portal && (
            <>
              <NavLink to="/portal" end>
                {t("nav.myTickets")}
              </NavLink>
              <NavLink to="/portal/new">{t("nav.newTicket")}</NavLink>
            </>
          )}
          {sections?.workspace && <NavLink to="/agent">{t("nav.queue")}</NavLink>}
          {sections?.boards && <NavLink to="/supervisor">{t("nav.boards")}</NavLink>}
          {sections?.admin && <NavLink to="/admin">{t("nav.admin")}</NavLink>}
          <NavLink to="/help">{t("nav.help")}</NavLink>
        </nav>
        <div className="topbar-end">
          {sections?.search && <TicketSearchBox />}
          <Form method="post" action="/set-language" className="lang-form">
            <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
            <label className="visually-hidden" htmlFor="lang-select">
              {t("nav.language")}
            </label>
            <select
              id="lang-select"
              name="locale"
              defaultValue={i18n.language}
              onChange={(e) => e.currentTarget.form?.requestSubmit()}
            >
              {LOCALES.map((l) => (
                <option key={l} value={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </select>
            <noscript>
              <button type="submit">{t("nav.switchLanguage")}</button>
            </noscript>
          </Form>
          {user ? (
            <>
              {data?.availability && <AvailabilityPicker current={data.availability} />}
              {data?.unread !== null && data?.unread !== undefined && <NotificationBell unread={data.unread} />}
              <NavLink to="/account" className="whoami" title={`${t("nav.account")} (${t(`roles.${user.role}`)})`}>
                {user.name}
              </NavLink>
              <Form method="post" action="/logout">
                <button type="submit" className="btn-link">
                  {t("nav.signOut")}
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login">{t("nav.signIn")}</NavLink>
              {data?.signup && (
                <NavLink to="/signup" className="btn btn-small">
                  {t("nav.signUp")}
                </NavLink>
              )}
            </>
          )}
        </div>
      </header>
      <main id="main">
        {data?.unconfirmedEmail && !/^\/(confirm-email|verify\/)/.test(location.pathname) && <ConfirmEmailBanner email={data.unconfirmedEmail} />}
        {children}
      </main>
    </>
  );
}

/** Until a customer confirms their address, their requests stay hidden: this says so and mails the link. */
function ConfirmEmailBanner({ email }: { email: string }) {
  const { t } = useTranslation();
  return (
    <section className="confirm-banner" aria-labelledby="confirm-banner-title">
      <div>
        <p id="confirm-banner-title">
          <strong>{t("recovery.unconfirmed.notice")}</strong>
        </p>
        <p className="muted small break">{t("recovery.unconfirmed.detail", { email })}</p>
      </div>
      <Form method="post" action="/confirm-email">
        <button type="submit" className="btn btn-small">
          {t("recovery.unconfirmed.send")}
        </button>
      </Form>
    </section>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = isRouteErrorResponse(error) && typeof error.data === "string" && error.data.startsWith("errors.")
    ? error.data
    : status === 404
      ? "errors.notFound"
      : status === 403
        ? "errors.forbidden"
        : "errors.generic";
  return (
    <div className="page narrow">
      <h1>{t("errors.title")}</h1>
      <p className="error-text">{t(key)}</p>
      <p>
        <Link to="/">{t("errors.goHome")}</Link>
      </p>
    </div>
  );
}
