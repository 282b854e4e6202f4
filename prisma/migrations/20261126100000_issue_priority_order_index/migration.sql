-- Issue lists ordered by priority then creation time (the board's default) used to read every
-- matching row and sort it; this index hands them over in order.

-- CreateIndex
CREATE INDEX "issues_project_id_priority_created_at_id_idx" ON "issues"("project_id", "priority", "created_at", "id");
