// Full-text search of issues: ranked by PostgreSQL full-text search over the `search_vector` the
// database keeps current (migration 20261202100000_issue_search: title A, description B, live
// comments C), restricted to what the viewer may see and to the same IssueFilter as the issue list.
//
// How a page is read, and why (correct first, then fast; bench/NOTES.md has the measurements).
// Prisma cannot express a tsquery, and it cannot hand us the SQL of a `where` either, so the text
// match and the filter run as separate statements that meet on issue ids:
//   1. Prisma: the ids of the projects the viewer may see (`visibleProjects`, the one visibility rule).
//   2. Raw SQL: the next window of matching issues of those projects, ranked, beyond the cursor,
//      ordered by (rank, id) - ids and ranks only.
//   3. Prisma: which of those ids pass `issueListQuery(filter)` and `visibleIssues` (the list's own
//      rules, archived issues included only when the filter asks).
//   Walking the window in rank order and keeping what step 3 kept gives the page. When a selective
//   filter leaves the page short and the window was full, 2 and 3 run again on a larger window
//   after the last candidate, until the page is full or the matches run out, so a page is never
//   cut short or skipped over. Without a filter (or with a typical one) one window suffices.
//   4. Prisma: the page's issues with Pothos' selection (no N+1 below it).
//   5. Raw SQL: the page's snippets (ts_headline is costly, so only for the page).
// Five statements whatever the page size (plus the transaction's three, below). Pushing the filter
// into the raw SQL would make it one statement but a second translation of IssueFilter, which
// would drift from issueWhere.
//
// The page is read in one transaction that plans its statements for their actual values
// (plan_cache_mode = force_custom_plan): Trackr's connections otherwise plan every prepared
// statement once, generically (db/client.ts), and a generic plan of the ranking statement cannot
// fold the tsquery into a constant: it parsed the query text again for every candidate row and
// could not choose between the GIN index (rare words) and the project's rows (common ones).
import { ValidationError } from '../domain/errors.js';
import { visibleIssues, visibleProjects } from '../domain/permissions.js';
import { Prisma, type Issue } from '../generated/prisma/client.js';
import type { Viewer } from '../auth/viewer.js';
import type { Actor } from './access.js';
import type { Db } from './db.js';
import type { IssueFilter } from './issue-filter.js';
import { issueListQuery } from './issues.js';

/** Marks around each match in a snippet (the snippet is HTML: everything else is escaped). */
export const HIGHLIGHT = { start: '<mark>', stop: '</mark>' } as const;

// The window of candidates read per round: many pages' worth, so a filter keeping 1 match in 20
// still fills a page in one round (every round ranks all matches again: that, not the window, is
// the cost), growing when a filter is more selective than that.
const WINDOW_PAGES = 20;
const MIN_WINDOW = 50;
const MAX_WINDOW = 5000;
// Private-use characters stand for the highlight marks inside PostgreSQL, so the text around them
// can be HTML-escaped afterwards; any in the text itself are dropped first.
const START = '\uE000';
const STOP = '\uE001';
// One excerpt around the best match (ts_headline's fragment mode cut excerpts short at markup).
// The parser drops HTML-looking tags from the excerpt (<script> becomes a space).
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=35, MinWords=15`;

/** Where a search page starts: after (or, `backward`, before) the hit with this rank and id. */
export type SearchCursor = { rank: number; id: string };
export type SearchPageRequest = { cursor?: SearchCursor; backward: boolean; take: number };
export type SearchHit = { issue: Issue; rank: number; snippet: string };
/** A page of hits in rank order, and whether more lie beyond it in the direction read. */
export type SearchPage = { hits: SearchHit[]; more: boolean };

/**
 * The last word of the query when it is a plain word the user may still be typing (not negated,
 * not inside or closing a quoted phrase, not the operator `or`): it is matched as a prefix.
 */
export function lastPlainWord(query: string): string | null {
  const trimmed = query.trimEnd();
  if ((trimmed.match(/"/g)?.length ?? 0) % 2 === 1) return null;
  const word = /(?:^|\s)(\S+)$/.exec(trimmed)?.[1];
  if (!word || word.includes('"') || word.startsWith('-') || /^or$/i.test(word)) return null;
  return word;
}

/**
 * The tsquery for a search box's text: `websearch_to_tsquery` (quoted phrases, `or`, `-word`) with
 * the last plain word turned into a prefix match (`kang` finds kangaroo). The prefix is applied to
 * the last lexeme of the parsed query only when it is exactly that word's lexeme, so phrases,
 * negations and operators keep their meaning; a last word that is a stop word gets no prefix.
 * Prefixes match word stems ('english' stemming): `kang` finds kangaroos, `happin` does not find
 * happiness (stored as happi). User text only ever travels as parameters.
 */
export function searchTsquery(query: string): Prisma.Sql {
  const last = lastPlainWord(query) ?? '';
  const web = Prisma.sql`websearch_to_tsquery('english', ${query})`;
  const lastLexeme = Prisma.sql`websearch_to_tsquery('english', ${last})::text`;
  // One expression of immutable functions and no subquery: PostgreSQL folds it into a constant
  // tsquery while planning, so it sees how common the words are (a word in every issue of the
  // project: scan the project; a rare word: the GIN index). Behind a subquery it had to guess.
  return Prisma.sql`(CASE WHEN ${lastLexeme} ~ '^''[^'']+''$' AND right(${web}::text, length(${lastLexeme})) = ${lastLexeme}
    THEN (${web}::text || ':*')::tsquery ELSE ${web} END)`;
}

/**
 * The query text, checked: BAD_USER_INPUT (ValidationError) when blank. Its length is bounded at the
 * edge before anything runs (SEARCH_MAX_LENGTH, graphql/input-bounds.ts).
 */
export function checkSearchQuery(query: string, field = 'query'): string {
  if (!query.trim()) throw ValidationError.field(field, 'must not be empty');
  return query;
}

type Candidate = { id: string; rank: number };

/** One window of matching live issues of `projectIds`, in page order, strictly beyond `after`. */
function candidates(db: Db, tsquery: Prisma.Sql, projectIds: string[], after: SearchCursor | undefined, backward: boolean, limit: number) {
  // ts_rank is real; the cursor's rank is compared as real too, so a rank read back compares equal.
  // The id is selected as a uuid (the driver reads it as a string): a ::text here would be computed
  // for every match before the sort, and made ranking a word found in every issue ~1.5x slower.
  const beyond = !after
    ? Prisma.empty
    : backward
      ? Prisma.sql`AND (ts_rank(i.search_vector, q.query), i.id) > (${after.rank}::real, ${after.id}::uuid)`
      : Prisma.sql`AND (ts_rank(i.search_vector, q.query), i.id) < (${after.rank}::real, ${after.id}::uuid)`;
  const order = backward ? Prisma.sql`ORDER BY rank ASC, i.id ASC` : Prisma.sql`ORDER BY rank DESC, i.id DESC`;
  return db.$queryRaw<Candidate[]>`
    SELECT i.id, ts_rank(i.search_vector, q.query) AS rank
    FROM (SELECT ${tsquery} AS query) q, issues i
    WHERE i.project_id = ANY(${projectIds}::uuid[]) AND i.deleted_at IS NULL AND i.search_vector @@ q.query ${beyond}
    ${order}
    LIMIT ${limit}`;
}

/** HTML-escapes a headline, then turns the sentinel marks into HIGHLIGHT's tags. */
function toHtml(headline: string): string {
  const escaped = headline.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return escaped.replaceAll(START, HIGHLIGHT.start).replaceAll(STOP, HIGHLIGHT.stop);
}

/**
 * Issues matching `query` in the viewer's live projects, best match first (ties by id), one page,
 * narrowed by `filter` exactly as the issue list narrows (archived issues only when it asks). Hidden
 * issues never take part. ValidationError (BAD_USER_INPUT) for a blank query.
 */
export async function searchIssues(
  actor: Actor,
  { query, filter, page }: { query: string; filter?: IssueFilter | null; page: SearchPageRequest },
  selection: object,
): Promise<SearchPage> {
  const tsquery = searchTsquery(checkSearchQuery(query));
  return actor.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL plan_cache_mode = force_custom_plan`;
    return searchPage(tx, actor.viewer, { tsquery, filter, page }, selection);
  });
}

async function searchPage(
  db: Db,
  viewer: Viewer,
  { tsquery, filter, page }: { tsquery: Prisma.Sql; filter?: IssueFilter | null; page: SearchPageRequest },
  selection: object,
): Promise<SearchPage> {
  const listWhere = issueListQuery({ filter }).where;
  // Only narrows the candidates; step 3 applies the whole filter.
  const projectScope = filter?.projectId ? { id: filter.projectId } : {};
  const projects = await db.project.findMany({ where: { AND: [visibleProjects(viewer.id), projectScope] }, select: { id: true } });
  const projectIds = projects.map((p) => p.id);

  const kept: Candidate[] = [];
  let after = page.cursor;
  let window = Math.min(Math.max(MIN_WINDOW, WINDOW_PAGES * (page.take + 1)), MAX_WINDOW);
  let exhausted = projectIds.length === 0;
  while (!exhausted && kept.length <= page.take) {
    const round = await candidates(db, tsquery, projectIds, after, page.backward, window);
    exhausted = round.length < window;
    if (round.length === 0) break;
    const passing = await db.issue.findMany({
      where: { AND: [{ id: { in: round.map((c) => c.id) } }, listWhere, visibleIssues(viewer.id)] },
      select: { id: true },
    });
    const ids = new Set(passing.map((p) => p.id));
    kept.push(...round.filter((c) => ids.has(c.id)));
    after = round[round.length - 1];
    window = Math.min(window * 4, MAX_WINDOW);
  }

  const more = kept.length > page.take;
  const pageRows = kept.slice(0, page.take);
  // Pages read backwards were collected nearest-first; a page is always shown best first.
  if (page.backward) pageRows.reverse();
  if (pageRows.length === 0) return { hits: [], more };
  const ids = pageRows.map((c) => c.id);
  const issues = await db.issue.findMany({ ...selection, where: { AND: [{ id: { in: ids } }, visibleIssues(viewer.id)] } });
  const snippets = await db.$queryRaw<{ id: string; snippet: string }[]>`
    SELECT i.id::text AS id,
      ts_headline('english', translate(i.title || E'\n' || i.description, ${START + STOP}, ''), q.query, ${HEADLINE_OPTIONS}) AS snippet
    FROM (SELECT ${tsquery} AS query) q, issues i
    WHERE i.id = ANY(${ids}::uuid[])`;
  const byId = new Map(issues.map((issue) => [issue.id, issue]));
  const snippetOf = new Map(snippets.map((s) => [s.id, toHtml(s.snippet)]));
  // An issue deleted between the statements is left out rather than shown half-read.
  const hits = pageRows.flatMap((c) => {
    const issue = byId.get(c.id);
    return issue ? [{ issue, rank: c.rank, snippet: snippetOf.get(c.id) ?? '' }] : [];
  });
  return { hits, more };
}
