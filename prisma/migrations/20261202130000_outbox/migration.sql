-- The transactional outbox: every change writes its event row here in its own transaction, and the
-- relay (src/events/relay.ts) publishes committed rows to subscribers. A rolled-back change leaves
-- no row, so nothing phantom is published; a row stays unpublished until a relay has sent it, so a
-- process dying after commit loses nothing.
--
-- `id` orders rows by insertion; `seq` is the event id clients see. It is assigned by the relay,
-- under an advisory lock, to rows it can see, i.e. committed ones, from `outbox_event_seq`: a row
-- that commits late gets a higher seq than everything already relayed, so "events after seq N"
-- (a reconnect's `since`, SSE Last-Event-ID) can never skip it. A bigserial assigned at insert could.
CREATE TABLE "outbox_events" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT,
    "type" VARCHAR(32) NOT NULL,
    "project_id" UUID NOT NULL,
    "issue_id" UUID,
    "comment_id" UUID,
    "user_id" UUID,
    "actor_id" UUID,
    "changed_fields" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_seq_key" ON "outbox_events"("seq");

-- CreateIndex
CREATE INDEX "outbox_events_project_id_seq_idx" ON "outbox_events"("project_id", "seq");

-- CreateIndex
CREATE INDEX "outbox_events_issue_id_seq_idx" ON "outbox_events"("issue_id", "seq");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_idx" ON "outbox_events"("published_at");

-- The relay's numbering: never reset, so pruning old rows cannot make an event id come round again.
CREATE SEQUENCE "outbox_event_seq" AS BIGINT;

-- Wakes the relays (LISTEN trackr_outbox) when a transaction that wrote events commits; PostgreSQL
-- delivers a NOTIFY only on commit and folds identical ones of a transaction into one.
CREATE FUNCTION "outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('trackr_outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_events_notify" AFTER INSERT ON "outbox_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_notify"();
