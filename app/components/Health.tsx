import { useTranslation } from "react-i18next";

export interface HealthView {
  score: number;
  band: string;
  components: { key: string; weight: number; value: number; contribution: number }[];
}

export function HealthBadge({ score, band }: { score: number; band: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge band-${band}`} data-band={band}>
      {score} · {t(`health.band.${band}`)}
    </span>
  );
}

/** Each component as a bar: how healthy it looks (0-100) and its weight in the score. */
export function HealthComponents({ health }: { health: HealthView }) {
  const { t } = useTranslation();
  return (
    <ul className="health-components">
      {health.components.map((c) => (
        <li key={c.key}>
          <span>{t(`health.component.${c.key}`)}</span>
          <span className="bar" aria-hidden>
            <span style={{ width: `${c.value}%` }} className={c.value < 40 ? "bad" : c.value < 70 ? "warn" : "good"} />
          </span>
          <span className="muted small">
            {c.value} × {Math.round(c.weight * 100)}%
          </span>
        </li>
      ))}
    </ul>
  );
}
