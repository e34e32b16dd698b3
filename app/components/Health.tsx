import { useTranslation } from "react-i18next";

export interface HealthView {
  score: number;
  band: string;
  components: {
    key: string;
    lost: number;
    unrated?: boolean;
    reasons: { ticketNumber: number; rating?: number; days?: number; points: number }[];
  }[];
}

export function HealthBadge({ score, band }: { score: number; band: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge band-${band}`} data-band={band}>
      {score} · {t(`health.band.${band}`)}
    </span>
  );
}

/**
 * Why the score is what it is, in words: what costs the customer points,
 * worst first, ticket by ticket ("CSAT 2 on #223: −13").
 */
export function HealthReasons({ health }: { health: HealthView }) {
  const { t } = useTranslation();
  const costly = health.components.filter((c) => c.lost >= 0.5).sort((a, b) => b.lost - a.lost);
  if (costly.length === 0) return <p className="muted small">{t("health.nothingLost")}</p>;
  const minus = (points: number) => `−${Math.max(1, Math.round(points))}`;
  return (
    <ul className="health-reasons" data-testid="health-reasons">
      {costly.map((c) => (
        <li key={c.key}>
          <span className="reason-head">
            {t(`health.component.${c.key}`)} <span className="points">{minus(c.lost)}</span>
          </span>
          {c.reasons.length > 0 ? (
            <ul>
              {c.reasons.map((r) => (
                <li key={r.ticketNumber}>
                  {t("health.reasonCosts", { reason: t(`health.reason.${c.key}`, { number: r.ticketNumber, rating: r.rating, count: r.days ?? 0 }) })}{" "}
                  <span className="points">{minus(r.points)}</span>
                </li>
              ))}
            </ul>
          ) : (
            c.unrated && <span className="muted small"> · {t("health.noRatings")}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
