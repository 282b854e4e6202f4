// The request a piece of code runs for, without passing it down: error masking and logging run deep
// inside yoga and graphql-js, where no context reaches, and still have to name the request id the
// client sees, so a report and its log line can be matched.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Plugin } from 'graphql-yoga';

export type RequestScope = { requestId?: string };

const scope = new AsyncLocalStorage<RequestScope>();

/** The id of the request being served here, if any. */
export const currentRequestId = (): string | undefined => scope.getStore()?.requestId;

/** Records the id a request was given (app.ts assigns it) for the rest of its handling. */
export function setRequestId(id: string): void {
  const store = scope.getStore();
  if (store) store.requestId = id;
}

/** Runs each request's whole handling, hooks included, inside its own scope. */
export const useRequestScope = (): Plugin => ({
  instrumentation: { request: (_payload, handle) => scope.run({}, handle) },
});
