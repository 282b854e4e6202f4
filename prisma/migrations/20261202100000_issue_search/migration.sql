-- Full-text search of issues (services/search.ts). Each issue carries one weighted document:
-- title A, description B, the bodies of its live comments C. The database keeps it current in the
-- same transaction as every change that affects it, so no code path (services, seed, SQL by hand)
-- can forget it. 'english' (snowball stemming, stop words) exists in PostgreSQL and PGlite alike.

-- AlterTable
ALTER TABLE "issues" ADD COLUMN "search_vector" tsvector;

-- An issue's search document. VOLATILE on purpose: its query on comments then takes a fresh
-- snapshot each time it runs (READ COMMITTED), and it runs while the writer holds the issue's row
-- lock, after waiting for any concurrent writer of that row. So two transactions commenting on the
-- same issue at once each see the other's committed comment, and neither overwrites the other's.
-- Comment text is capped (a tsvector holds at most 1 MB); title and description are capped by the
-- services (255 and 100,000 characters).
CREATE FUNCTION "issue_search_document"(issue_title text, issue_description text, issue uuid) RETURNS tsvector
LANGUAGE sql VOLATILE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, issue_title), 'A')
      || setweight(to_tsvector('english'::regconfig, issue_description), 'B')
      || setweight(to_tsvector('english'::regconfig, left(coalesce(
           (SELECT string_agg(c.body, E'\n' ORDER BY c.created_at, c.id) FROM "comments" c
             WHERE c.issue_id = issue AND c.deleted_at IS NULL), ''), 200000)), 'C')
$$;

-- Issues: the document is computed before the row is written (INSERT, or an UPDATE that changes
-- the title or description; other updates leave it alone).
CREATE FUNCTION "issues_search_vector_refresh"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := issue_search_document(NEW.title, NEW.description, NEW.id);
  RETURN NEW;
END
$$;

CREATE TRIGGER "issues_search_vector_insert" BEFORE INSERT ON "issues"
  FOR EACH ROW EXECUTE FUNCTION issues_search_vector_refresh();
CREATE TRIGGER "issues_search_vector_update" BEFORE UPDATE OF "title", "description" ON "issues"
  FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.description IS DISTINCT FROM NEW.description)
  EXECUTE FUNCTION issues_search_vector_refresh();

-- Comments: once per statement (a bulk insert recomputes each issue once), for the issues whose
-- comment text changed: a comment added or hard-deleted, its body edited, soft-deleted or
-- restored (deleted_at), or moved to another issue. UPDATE triggers with transition tables cannot
-- name columns, hence the comparison of old and new rows.
CREATE FUNCTION "comments_search_vector_refresh"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "issues" i SET search_vector = issue_search_document(i.title, i.description, i.id)
      WHERE i.id IN (SELECT issue_id FROM new_comments);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "issues" i SET search_vector = issue_search_document(i.title, i.description, i.id)
      WHERE i.id IN (SELECT issue_id FROM old_comments);
  ELSE
    UPDATE "issues" i SET search_vector = issue_search_document(i.title, i.description, i.id)
      WHERE i.id IN (
        SELECT unnest(ARRAY[o.issue_id, n.issue_id]) FROM old_comments o JOIN new_comments n ON n.id = o.id
        WHERE o.body IS DISTINCT FROM n.body OR o.deleted_at IS DISTINCT FROM n.deleted_at OR o.issue_id IS DISTINCT FROM n.issue_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "comments_search_vector_insert" AFTER INSERT ON "comments"
  REFERENCING NEW TABLE AS new_comments FOR EACH STATEMENT EXECUTE FUNCTION comments_search_vector_refresh();
CREATE TRIGGER "comments_search_vector_update" AFTER UPDATE ON "comments"
  REFERENCING OLD TABLE AS old_comments NEW TABLE AS new_comments FOR EACH STATEMENT EXECUTE FUNCTION comments_search_vector_refresh();
CREATE TRIGGER "comments_search_vector_delete" AFTER DELETE ON "comments"
  REFERENCING OLD TABLE AS old_comments FOR EACH STATEMENT EXECUTE FUNCTION comments_search_vector_refresh();

-- Backfill (sets only search_vector, so the issue triggers stay quiet).
UPDATE "issues" SET "search_vector" = issue_search_document("title", "description", "id");

-- CreateIndex
CREATE INDEX "issues_search_vector_idx" ON "issues" USING GIN ("search_vector");
