-- What the PostGraphile peer needs beyond plain CRUD, written the way a PostGraphile app would:
-- custom mutations and queries as PostgreSQL functions (exposed by the amber preset). They do the
-- same work as Trackr's resolvers: membership checks, counter allocation, history rows.
-- Applied (idempotently) by bench/run.ts to the benchmark database only.
CREATE SCHEMA IF NOT EXISTS bench_ext;
CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA bench_ext;

-- logIn: bcrypt check in the backend (pgcrypto's crypt understands the shared $2a$ hash), then a
-- session row like Trackr's. Returns null for bad credentials.
CREATE OR REPLACE FUNCTION public.bench_log_in(email text, password text) RETURNS public.users
LANGUAGE plpgsql VOLATILE AS $$
DECLARE u public.users;
BEGIN
  SELECT * INTO u FROM public.users WHERE users.email = lower(bench_log_in.email) AND users.is_active;
  IF u.id IS NULL OR bench_ext.crypt(bench_log_in.password, u.password_hash) <> u.password_hash THEN
    RETURN NULL;
  END IF;
  INSERT INTO public.refresh_sessions (user_id, family_id, token_hash, expires_at)
  VALUES (u.id, gen_random_uuid(), encode(bench_ext.digest(gen_random_uuid()::text, 'sha256'), 'hex'), now() + interval '30 days');
  RETURN u;
END $$;

-- viewer.projects: the user's live projects, newest first.
CREATE OR REPLACE FUNCTION public.bench_viewer_projects(user_id uuid) RETURNS SETOF public.projects
LANGUAGE sql STABLE AS $$
  SELECT p.* FROM public.projects p
  JOIN public.project_members m ON m.project_id = p.id AND m.user_id = $1
  WHERE p.deleted_at IS NULL AND p.archived_at IS NULL
  ORDER BY p.created_at DESC, p.id DESC
$$;

-- issues(filter: { projectId, status: { in } }, orderBy: [PRIORITY DESC, CREATED_AT DESC]).
CREATE OR REPLACE FUNCTION public.bench_filtered_issues(project_id uuid, statuses "IssueStatus"[]) RETURNS SETOF public.issues
LANGUAGE sql STABLE AS $$
  SELECT i.* FROM public.issues i
  WHERE i.project_id = $1 AND i.status = ANY($2) AND i.archived_at IS NULL AND i.deleted_at IS NULL
  ORDER BY i.priority DESC, i.created_at DESC, i.id DESC
$$;

-- issues(first: n) across all of the user's projects, newest first, optionally only those assigned
-- to one user: each project's newest n through its index, merged (PostGraphile pages the result).
CREATE OR REPLACE FUNCTION public.bench_cross_issues(user_id uuid, assignee_id uuid, n integer) RETURNS SETOF public.issues
LANGUAGE sql STABLE AS $$
  SELECT x.* FROM public.project_members m
  JOIN public.projects p ON p.id = m.project_id AND p.deleted_at IS NULL
  CROSS JOIN LATERAL (SELECT i.* FROM public.issues i
    WHERE i.project_id = m.project_id AND i.archived_at IS NULL AND i.deleted_at IS NULL
      AND ($2 IS NULL OR i.assignee_id = $2)
    ORDER BY i.created_at DESC, i.id DESC LIMIT $3) x
  WHERE m.user_id = $1
  ORDER BY x.created_at DESC, x.id DESC
$$;

-- createIssue: member check, number from the project's counter (row lock), CREATED event.
CREATE OR REPLACE FUNCTION public.bench_create_issue(p_project_id uuid, p_title text, p_priority "IssuePriority", p_reporter_id uuid)
RETURNS public.issues LANGUAGE plpgsql VOLATILE AS $$
DECLARE n integer; r public.issues;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.project_members m WHERE m.project_id = p_project_id AND m.user_id = p_reporter_id AND m.role <> 'VIEWER') THEN
    RAISE EXCEPTION 'not found';
  END IF;
  UPDATE public.projects SET issue_counter = issue_counter + 1 WHERE id = p_project_id RETURNING issue_counter INTO n;
  INSERT INTO public.issues (project_id, number, title, priority, reporter_id, updated_at)
  VALUES (p_project_id, n, p_title, p_priority, p_reporter_id, now()) RETURNING * INTO r;
  INSERT INTO public.issue_events (issue_id, actor_id, type) VALUES (r.id, p_reporter_id, 'CREATED');
  RETURN r;
END $$;

-- updateIssue (title): member check, row lock, UPDATED event, version bump.
CREATE OR REPLACE FUNCTION public.bench_update_issue(p_id uuid, p_title text, p_actor_id uuid)
RETURNS public.issues LANGUAGE plpgsql VOLATILE AS $$
DECLARE cur public.issues; r public.issues;
BEGIN
  SELECT i.* INTO cur FROM public.issues i
  WHERE i.id = p_id AND i.deleted_at IS NULL
    AND EXISTS (SELECT 1 FROM public.project_members m WHERE m.project_id = i.project_id AND m.user_id = p_actor_id AND m.role <> 'VIEWER')
  FOR UPDATE;
  IF cur.id IS NULL THEN RAISE EXCEPTION 'not found'; END IF;
  IF cur.title = p_title THEN RETURN cur; END IF;
  INSERT INTO public.issue_events (issue_id, actor_id, type, field, from_value, to_value)
  VALUES (p_id, p_actor_id, 'UPDATED', 'title', cur.title, p_title);
  UPDATE public.issues SET title = p_title, version = version + 1, updated_at = now() WHERE id = p_id RETURNING * INTO r;
  RETURN r;
END $$;
