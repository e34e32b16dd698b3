// Pieces of a ticket shared by the portal and the agent workspace.
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import type { TimelineChange, TimelineEntry } from "../../server/tickets/timeline.ts";
import { useT } from "../i18n/i18n.ts";
import { localName } from "../i18n/config.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { displayValue, fieldLabel } from "../../server/fields/values.ts";
import type { AttachmentView } from "../../server/attachments/limits.ts";
import { AttachmentList } from "./Attachments.tsx";

export function StatusBadge({ status, staff = false }: { status: string; staff?: boolean }) {
  const { t } = useT();
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {t(`${staff ? "ticket.statusStaff" : "ticket.status"}.${status}`)}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  const { t } = useT();
  return <span className={`badge priority-${priority}`}>{t(`ticket.priority.${priority}`)}</span>;
}

export interface ThreadMessage {
  id: string;
  ticketId?: string;
  kind: "public" | "internal";
  body: string;
  /** The body as HTML when it was written in Markdown (server/tickets/present.ts messageHtml). */
  html?: string | null;
  createdAt: string | Date;
  author: { id: string; name: string; role: string } | null;
  attachments?: AttachmentView[];
}

/** One clause of a timeline entry ("changed the priority from Normal to Urgent"), in the reader's language. */
function useChangeText() {
  const { t, i18n } = useTranslation();
  const fmt = useTimeFormat();
  const status = (s: string | null) => (s ? t(`ticket.statusStaff.${s}`) : "");
  const priority = (p: string | null) => (p ? t(`ticket.priority.${p}`) : "");
  const person = (name: string | null) => name ?? t("timeline.unknownPerson");
  return (c: TimelineChange): string => {
    switch (c.kind) {
      case "status":
        return c.from ? t("timeline.status", { from: status(c.from), to: status(c.to) }) : t("timeline.statusSet", { to: status(c.to) });
      case "priority":
        return c.from
          ? t("timeline.priority", { from: priority(c.from), to: priority(c.to) })
          : t("timeline.prioritySet", { to: priority(c.to) });
      case "type":
        return t("timeline.type", { from: t(`ticket.type.${c.from}`), to: t(`ticket.type.${c.to}`) });
      case "macro":
        return t("timeline.macro", { name: c.name });
      case "assignee":
        if (c.toSelf) return t("timeline.assigneeSelf");
        if (c.to && c.from) return t("timeline.reassigned", { from: c.from, to: c.to });
        if (c.to) return t("timeline.assignee", { to: c.to });
        return c.from ? t("timeline.unassigned", { from: c.from }) : t("timeline.unassignedUnknown");
      case "team":
        if (c.from && c.to) return t("timeline.team", { from: c.from, to: c.to });
        return c.to ? t("timeline.teamSet", { to: c.to }) : t("timeline.teamRemoved", { from: person(c.from) });
      case "tags": {
        const parts = [];
        if (c.added.length) parts.push(t("timeline.tagsAdded", { count: c.added.length, tags: c.added.join(", ") }));
        if (c.removed.length) parts.push(t("timeline.tagsRemoved", { count: c.removed.length, tags: c.removed.join(", ") }));
        return parts.join(", ");
      }
      case "field": {
        // A field removed since is named by its key, its values as stored.
        const field = c.field ?? { labelEn: c.key, labelZh: c.key, type: "text" as const, options: [] };
        const words = { yes: t("ticketFields.yes"), no: t("ticketFields.no") };
        const value = (v: string | number | boolean) => displayValue(field, v, i18n.language, words);
        const name = fieldLabel(field, i18n.language);
        if (c.to === null) return t("timeline.fieldCleared", { field: name });
        if (c.from === null) return t("timeline.fieldSet", { field: name, to: value(c.to) });
        return t("timeline.field", { field: name, from: value(c.from), to: value(c.to) });
      }
      case "rule_extras":
        return joinClauses(ruleExtras(t, c), i18n.language);
      case "automation_extras":
        return joinClauses(automationExtras(t, c), i18n.language);
      case "merged":
        return t("timeline.merged", { number: c.source, count: c.messages });
      case "merged_into":
        return t("timeline.mergedInto", { number: c.target });
      case "rated":
        return t("timeline.rated", { rating: c.rating });
      case "sla_breached":
        return t(`timeline.slaMissed.${c.target}`, { time: fmt.dateTime(c.dueAt) });
      case "sla_warned":
        return t(`timeline.slaWarned.${c.target}`, { time: c.dueAt ? fmt.dateTime(c.dueAt) : "—" });
      case "sla_escalated": {
        const actions = [
          ...(c.priority ? [t("timeline.escalation.priority", { priority: priority(c.priority) })] : []),
          ...(c.team ? [t("timeline.escalation.team", { team: c.team })] : []),
          ...(c.assignee ? [t("timeline.escalation.assignee", { name: c.assignee })] : []),
          ...(c.tagsAdded.length ? [t("timeline.escalation.tags", { tags: c.tagsAdded.join(", ") })] : []),
          ...(c.notified ? [t("timeline.escalation.notified", { count: c.notified })] : []),
        ];
        return t("timeline.escalation.entry", {
          policy: c.policy ?? t("sla.removedPolicy"),
          target: t(`sla.target.${c.target}`),
          when: c.on === "at_risk" ? t("timeline.escalation.atRisk") : c.afterMinutes ? t("timeline.escalation.after", { minutes: c.afterMinutes }) : t("timeline.escalation.breached"),
          actions: actions.length ? actions.join(t("timeline.escalation.separator")) : t("timeline.escalation.nothing"),
        });
      }
      case "auto_assigned":
        return autoAssignedText(t, c, i18n.language);
      case "legacy":
        return c.text;
    }
  };
}

/** Why automatic assignment chose the agent: "Assigned to Li Wei by round-robin in Technical (3 of 5 open)." */
export function autoAssignedText(t: TFunction, c: Extract<TimelineChange, { kind: "auto_assigned" }>, language: string): string {
  const matched = [
    ...(c.category ? [localName(c.category, language)] : []),
    ...(c.language ? [t(`timeline.autoAssigned.language.${c.language}`, { defaultValue: c.language })] : []),
  ];
  return t(`timeline.autoAssigned.${c.mode}`, {
    name: c.to ?? t("timeline.unknownPerson"),
    team: c.team ?? t("timeline.autoAssigned.removedTeam"),
    load: c.capacity === null ? t("timeline.autoAssigned.load", { load: c.load }) : t("timeline.autoAssigned.loadOf", { load: c.load, capacity: c.capacity }),
    skills: matched.length ? t("timeline.autoAssigned.skills", { skills: matched.join(t("timeline.autoAssigned.separator")) }) : "",
  });
}

/** A rule's notes and notifications as clauses of their own ("added an internal note", "notified 3 people"). */
function ruleExtras(t: TFunction, c: Extract<TimelineChange, { kind: "rule_extras" }>): string[] {
  const parts = [
    ...(c.notes ? [t("timeline.rule.notes", { count: c.notes })] : []),
    ...(c.notified ? [t("timeline.rule.notified", { count: c.notified })] : []),
  ];
  return parts.length ? parts : [t("timeline.rule.nothing")];
}

/** A time-based automation's replies, notes and notifications as clauses ("replied to the customer", "added an internal note"). */
function automationExtras(t: TFunction, c: Extract<TimelineChange, { kind: "automation_extras" }>): string[] {
  const parts = [
    ...(c.replies ? [t("timeline.automation.replies", { count: c.replies })] : []),
    ...(c.notes ? [t("timeline.automation.notes", { count: c.notes })] : []),
    ...(c.notified ? [t("timeline.automation.notified", { count: c.notified })] : []),
  ];
  return parts.length ? parts : [t("timeline.automation.nothing")];
}

/** "A, B and C" in English; Chinese clauses follow each other after a comma. */
function joinClauses(clauses: string[], language: string) {
  if (language.startsWith("zh")) return clauses.join("，");
  return new Intl.ListFormat("en", { style: "long", type: "conjunction" }).format(clauses);
}

function TimelineItem({ entry, viewerId }: { entry: TimelineEntry; viewerId: string }) {
  const { t, i18n } = useTranslation();
  const fmt = useTimeFormat();
  const text = useChangeText();
  // Warnings and missed targets are facts, not someone's doing: they read as sentences of their own.
  const facts: TimelineChange[] = entry.actor
    ? []
    : entry.changes.filter((c) => c.kind === "sla_breached" || c.kind === "sla_warned" || c.kind === "sla_escalated" || c.kind === "auto_assigned");
  // A rule's (or an automation's) replies, notes and notifications read after its changes.
  const extra = (c: TimelineChange) => Number(c.kind === "rule_extras" || c.kind === "automation_extras");
  const acts = entry.changes.filter((c) => !facts.includes(c)).sort((a, b) => extra(a) - extra(b));
  const actor = entry.rule
    ? t("timeline.rule.actor", { name: entry.rule })
    : entry.automation
      ? t("timeline.automation.actor", { name: entry.automation })
      : entry.actor
        ? entry.actor.id === viewerId
          ? t("ticket.you")
          : entry.actor.name
        : t("timeline.systemActor");
  const comments = entry.changes.flatMap((c) => (c.kind === "rated" && c.comment ? [c.comment] : []));
  return (
    <li className="msg msg-system" data-kind="event">
      {acts.length > 0 && <div>{t("timeline.entry", { actor, changes: joinClauses(acts.flatMap((c) => (c.kind === "rule_extras" ? ruleExtras(t, c) : c.kind === "automation_extras" ? automationExtras(t, c) : [text(c)])), i18n.language) })}</div>}
      {facts.map((c, i) => (
        <div key={i}>{text(c)}</div>
      ))}
      {comments.map((comment, i) => (
        <div key={`c${i}`} className="quote">
          “{comment}”
        </div>
      ))}
      <time dateTime={entry.at}>{fmt.dateTime(entry.at)}</time>
    </li>
  );
}

/** The conversation, with the history of changes (staff only) woven in by time. */
export function MessageThread({
  messages,
  viewerId,
  timeline = [],
}: {
  messages: ThreadMessage[];
  viewerId: string;
  timeline?: TimelineEntry[];
}) {
  const { t } = useTranslation();
  const fmt = useTimeFormat();
  const items = [
    ...messages.map((m) => ({ at: new Date(m.createdAt).getTime(), message: m, entry: null })),
    ...timeline.map((e) => ({ at: new Date(e.at).getTime(), message: null, entry: e })),
  ].sort((a, b) => a.at - b.at);
  return (
    <ol className="thread" aria-live="polite">
      {items.map(({ message: m, entry }) => {
        if (entry) return <TimelineItem key={`e${entry.id}`} entry={entry} viewerId={viewerId} />;
        if (!m) return null;
        const mine = m.author?.id === viewerId;
        const who = mine ? t("ticket.you") : (m.author?.name ?? t("ticket.support"));
        return (
          <li
            key={m.id}
            className={`msg msg-${m.kind}${mine ? " msg-mine" : ""}${m.author?.role === "customer" ? " msg-customer" : ""}`}
            data-kind={m.kind}
          >
            <div className="msg-head">
              <strong>{who}</strong>
              {m.kind === "internal" && <span className="badge internal">{t("ticket.internalNote")}</span>}
              <time dateTime={new Date(m.createdAt).toISOString()}>{fmt.dateTime(m.createdAt)}</time>
            </div>
            {m.html ? (
              // Sanitised on the server (server/text/markdown.ts): no scripts, handlers or images.
              <div className="msg-body md" dangerouslySetInnerHTML={{ __html: m.html }} />
            ) : (
              <div className="msg-body">{m.body}</div>
            )}
            <AttachmentList attachments={m.attachments} />
          </li>
        );
      })}
    </ol>
  );
}
