-- Threaded comments, one level deep: a reply points at its thread's root comment (never at
-- another reply; src/services/comments.ts attaches a reply to a reply to the root). Roots have
-- no parent. Comments are soft-deleted, so the foreign key only acts when rows really go: with
-- their issue (which cascades to every comment) or a future purge, and a reply must not outlive
-- its root there, nor be silently promoted to a root (SET NULL), so it cascades.

-- AlterTable
ALTER TABLE "comments" ADD COLUMN "parent_id" UUID,
    ADD CONSTRAINT "comments_parent_not_self_check" CHECK ("parent_id" IS NULL OR "parent_id" <> "id");

-- CreateIndex
-- A thread's replies, oldest first (Comment.replies), and the "has a live reply" test that keeps a
-- deleted root listed as a placeholder; also serves the foreign key's cascade.
CREATE INDEX "comments_parent_id_created_at_id_idx" ON "comments"("parent_id", "created_at", "id");

-- AddForeignKey
ALTER TABLE "comments" ADD CONSTRAINT "comments_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
