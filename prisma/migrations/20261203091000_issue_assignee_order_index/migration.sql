-- "My issues" across all of a member's projects reads each project's newest issues assigned to
-- one user, in order, through this index (services/issues.ts, the per-project top-N list), instead
-- of every issue of every project.

-- CreateIndex
CREATE INDEX "issues_assignee_id_project_id_created_at_id_idx" ON "issues"("assignee_id", "project_id", "created_at", "id");
