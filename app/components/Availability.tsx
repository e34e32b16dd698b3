// The agent's availability in the header: online, away or offline, saved as
// soon as it is picked (a plain form: without scripts its button sends it).
import { useFetcher, useLocation } from "@remix-run/react";
import { AVAILABILITIES, type Availability } from "../../server/auth/availability.ts";
import { useT } from "../i18n/i18n.ts";

export function AvailabilityPicker({ current }: { current: Availability }) {
  const { t } = useT();
  const fetcher = useFetcher();
  const location = useLocation();
  // What was just picked shows at once, before the server has answered.
  const shown = (fetcher.formData?.get("availability") as Availability | null) ?? current;
  return (
    <fetcher.Form method="post" action="/availability" className="availability" data-availability={shown}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <span className="availability-dot" aria-hidden />
      <label className="visually-hidden" htmlFor="availability-select">
        {t("availability.label")}
      </label>
      <select
        id="availability-select"
        name="availability"
        value={shown}
        // With scripts it stays on the page: only the choice goes.
        onChange={(event) => fetcher.submit({ availability: event.currentTarget.value }, { method: "post", action: "/availability" })}
        data-testid="availability"
      >
        {AVAILABILITIES.map((a) => (
          <option key={a} value={a}>
            {t(`availability.${a}`)}
          </option>
        ))}
      </select>
      <button type="submit" className="btn-link small without-scripts">
        {t("availability.set")}
      </button>
    </fetcher.Form>
  );
}

/** "Maria Santos · Away": an agent's name as the assignee lists show it (online says nothing). */
export function withAvailability(agent: { name: string; availability?: Availability }, t: (key: string) => string): string {
  return agent.availability && agent.availability !== "online" ? `${agent.name} · ${t(`availability.${agent.availability}`)}` : agent.name;
}
