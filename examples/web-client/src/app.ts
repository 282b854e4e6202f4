// A small frontend on Apollo Client, without a framework: the flows a Trackr web app has. Each
// function returns what a view would render; every union member is handled by __typename.
import type { ApolloClient } from '@apollo/client';
import type { CreateIssueInput, IssueCardFragment, IssueStatus, ProjectActivitySubscription, UpdateIssueInput } from './gql/graphql.js';
import {
  AddComment,
  Board,
  CreateIssue,
  CreateProject,
  IssuePage,
  LogIn,
  MyProjects,
  ProjectActivity,
  SignUp,
  UpdateIssue,
} from './operations.js';
import type { TokenStore } from './session.js';

/** A failure the user can act on: the server's code, its message, and per-field messages for forms. */
export type Problem = { code: string; message: string; fieldErrors?: { field: string; message: string }[]; retryAfterSeconds?: number };
export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const failed = (problem: Problem): Outcome<never> => ({ ok: false, problem });

export type Me = { id: string; name: string };

/** Logs in and keeps the tokens; a throttled login says how long to wait. */
export async function logIn(client: ApolloClient, tokens: TokenStore, email: string, password: string): Promise<Outcome<Me>> {
  const { data } = await client.mutate({ mutation: LogIn, variables: { input: { email, password } } });
  const result = data!.logIn;
  switch (result.__typename) {
    case 'AuthPayload':
      tokens.save(result);
      return ok(result.user);
    case 'RateLimitedError':
      return failed({ code: result.code, message: result.message, retryAfterSeconds: result.retryAfterSeconds });
    case 'InvalidCredentialsError':
    case 'ValidationError':
      return failed({ code: result.code, message: result.message });
  }
}

/** Creates an account and logs it in. */
export async function signUp(client: ApolloClient, tokens: TokenStore, input: { email: string; name: string; password: string }) {
  const { data } = await client.mutate({ mutation: SignUp, variables: { input } });
  const result = data!.signUp;
  if (result.__typename !== 'AuthPayload') return failed({ code: result.code, message: result.message });
  tokens.save(result);
  return ok(result.user);
}

/** The projects menu. */
export async function myProjects(client: ApolloClient) {
  const { data } = await client.query({ query: MyProjects, variables: { first: 50 } });
  return data?.viewer?.projects.edges.map((edge) => edge.node) ?? [];
}

export async function createProject(client: ApolloClient, key: string, name: string) {
  const { data } = await client.mutate({
    mutation: CreateProject,
    variables: { input: { key, name, idempotencyKey: crypto.randomUUID() } },
  });
  const result = data!.createProject;
  switch (result.__typename) {
    case 'ProjectPayload':
      return ok(result.project);
    case 'ValidationError':
      return failed({ code: result.code, message: result.message, fieldErrors: result.fieldErrors });
    case 'ConflictError':
      return failed({ code: result.code, message: result.message });
  }
}

/** The columns of a board, in workflow order. */
export const BOARD_COLUMNS: IssueStatus[] = ['BACKLOG', 'TODO', 'IN_PROGRESS', 'IN_REVIEW', 'DONE'];

/** Issues grouped into the board's columns (canceled ones are not shown). */
export function boardColumns(issues: readonly IssueCardFragment[]): Record<string, IssueCardFragment[]> {
  const columns = Object.fromEntries(BOARD_COLUMNS.map((status) => [status, [] as IssueCardFragment[]]));
  for (const issue of issues) columns[issue.status]?.push(issue);
  return columns;
}

/**
 * A board that loads page after page: each `more()` asks for the next cursor, and the cache's
 * relayStylePagination merges the pages into one list the view reads.
 */
export function openBoard(client: ApolloClient, projectId: string, pageSize: number) {
  const variables = { projectId, first: pageSize };
  const read = () => client.readQuery({ query: Board, variables })?.project ?? null;
  return {
    async load() {
      await client.query({ query: Board, variables, fetchPolicy: 'network-only' });
      return read();
    },
    async more() {
      const after = read()?.issues.pageInfo.endCursor;
      const { data } = await client.query({ query: Board, variables: { ...variables, after }, fetchPolicy: 'network-only' });
      // A query with another `after` lands in the same cached list (the cursor is not a key argument).
      return { hasNextPage: data?.project?.issues.pageInfo.hasNextPage ?? false, board: read() };
    },
    read,
  };
}

/** The issue page: the issue and its threads. */
export async function issuePage(client: ApolloClient, id: string) {
  const { data } = await client.query({ query: IssuePage, variables: { id, comments: 50 }, fetchPolicy: 'network-only' });
  return data?.issue ?? null;
}

/**
 * Creates an issue. The idempotency key is made once for this logical create, so a retry of a
 * request whose response was lost (RetryLink) returns the same issue instead of a second one.
 */
export async function createIssue(
  client: ApolloClient,
  input: Omit<CreateIssueInput, 'idempotencyKey'>,
): Promise<Outcome<IssueCardFragment>> {
  const { data } = await client.mutate({ mutation: CreateIssue, variables: { input: { ...input, idempotencyKey: crypto.randomUUID() } } });
  const result = data!.createIssue;
  switch (result.__typename) {
    case 'IssuePayload':
      return ok(result.issue);
    case 'ValidationError':
      return failed({ code: result.code, message: result.message, fieldErrors: result.fieldErrors });
    case 'ConflictError':
    case 'ForbiddenError':
    case 'NotFoundError':
      return failed({ code: result.code, message: result.message });
  }
}

export type UpdateOutcome =
  | { kind: 'updated'; issue: IssueCardFragment }
  | { kind: 'conflict'; message: string; current: IssueCardFragment | null }
  | { kind: 'failed'; problem: Problem };

/**
 * Saves an edit made to the issue as the user saw it (`seen.version`). If someone changed it since,
 * nothing is overwritten: the answer is a conflict with the current issue to merge and retry. Either
 * way the payload's Issue (id + __typename) updates every view of it in the cache.
 */
export async function updateIssue(
  client: ApolloClient,
  seen: { id: string; version: number },
  changes: Omit<UpdateIssueInput, 'id' | 'expectedVersion'>,
): Promise<UpdateOutcome> {
  const { data } = await client.mutate({
    mutation: UpdateIssue,
    variables: { input: { ...changes, id: seen.id, expectedVersion: seen.version } },
  });
  const result = data!.updateIssue;
  switch (result.__typename) {
    case 'IssuePayload':
      return { kind: 'updated', issue: result.issue };
    case 'ConflictError':
      return { kind: 'conflict', message: result.message, current: result.currentIssue ?? null };
    case 'ValidationError':
      return { kind: 'failed', problem: { code: result.code, message: result.message, fieldErrors: result.fieldErrors } };
    case 'ForbiddenError':
    case 'NotFoundError':
      return { kind: 'failed', problem: { code: result.code, message: result.message } };
  }
}

/** Comments on an issue; the key makes a retried send land once. */
export async function addComment(client: ApolloClient, issueId: string, body: string): Promise<Outcome<{ id: string; body: string }>> {
  const { data } = await client.mutate({
    mutation: AddComment,
    variables: { input: { issueId, body, idempotencyKey: crypto.randomUUID() } },
  });
  const result = data!.addComment;
  if (result.__typename === 'CommentPayload') return ok(result.comment);
  return failed({ code: result.code, message: result.message });
}

export type ActivityEvent = ProjectActivitySubscription['projectActivity'];

/**
 * A project's live activity (over graphql-ws), each event handed to `onEvent` in commit order. The
 * last eventId is kept, so `resume()` after a dropped connection or an UNAUTHENTICATED end (after a
 * refresh) subscribes again with `since` and gets what was missed, then live events, none twice.
 */
export function followProject(
  client: ApolloClient,
  projectId: string,
  onEvent: (event: ActivityEvent) => void,
  onEnd?: (error?: Error) => void,
) {
  let since: string | undefined;
  let current: { unsubscribe(): void } | undefined;
  const start = () => {
    current = client.subscribe({ query: ProjectActivity, variables: { projectId, since } }).subscribe({
      next: ({ data, error }) => {
        if (error) onEnd?.(error);
        if (!data) return;
        since = data.projectActivity.eventId;
        onEvent(data.projectActivity);
      },
      error: (error: Error) => onEnd?.(error),
      complete: () => onEnd?.(),
    });
  };
  start();
  return {
    lastEventId: () => since,
    resume() {
      current?.unsubscribe();
      start();
    },
    stop: () => current?.unsubscribe(),
  };
}
