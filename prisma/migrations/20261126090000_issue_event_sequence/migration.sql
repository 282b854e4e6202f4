-- History order: events written in one transaction share created_at, so order them by an
-- insertion sequence instead.

-- DropIndex
DROP INDEX "issue_events_issue_id_created_at_id_idx";

-- AlterTable
ALTER TABLE "issue_events" ADD COLUMN "seq" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE INDEX "issue_events_issue_id_seq_idx" ON "issue_events"("issue_id", "seq");
