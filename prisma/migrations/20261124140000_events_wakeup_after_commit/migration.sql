-- Readers of the event log are woken by the writing process after its commit
-- (server/events/feed.ts, eventsCommitted), not by a NOTIFY inside the
-- writing transaction: PostgreSQL serialises the commits of notifying
-- transactions on one lock held across the WAL flush, which capped filing at
-- the disk's flush rate (docs/decisions/010).
DROP TRIGGER "DomainEvent_notify" ON "DomainEvent";
DROP FUNCTION helpdesk_notify_events();
