// urql for Trackr: @urql/exchange-auth for the bearer token and its refresh, retries that are safe,
// subscriptions over SSE (the fetch exchange, with the same headers as every request), and
// (optionally) trusted documents sent by hash with @urql/exchange-persisted.
import { authExchange } from '@urql/exchange-auth';
import { persistedExchange } from '@urql/exchange-persisted';
import { retryExchange } from '@urql/exchange-retry';
import { Client, cacheExchange, fetchExchange, getOperationName, type Exchange } from '@urql/core';
import { RefreshSession } from './operations.js';
import { documentHash, REFRESH_OPERATION, safeToRetry, type TokenStore } from './session.js';

export type UrqlOptions = {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  tokens: TokenStore;
  /** Send operations by their manifest hash (the server's TRUSTED_DOCUMENTS). */
  persistedDocuments?: boolean;
  fetch?: typeof fetch;
};

export function createUrqlClient({ url, tokens, persistedDocuments = false, fetch }: UrqlOptions): Client {
  const auth = authExchange(async (utils) => ({
    // The refresh itself goes out without the (expired) access token.
    addAuthToOperation: (operation) =>
      tokens.accessToken && getOperationName(operation.query) !== REFRESH_OPERATION
        ? utils.appendHeaders(operation, { authorization: `Bearer ${tokens.accessToken}` })
        : operation,
    didAuthError: (error) => error.graphQLErrors.some((e) => e.extensions.code === 'UNAUTHENTICATED'),
    // utils.mutate sends the refresh past didAuthError, so a refused refresh does not loop.
    refreshAuth: async () => {
      await tokens.refresh(async (refreshToken) => {
        const { data } = await utils.mutate(RefreshSession, { input: { refreshToken } });
        return data?.refreshSession.__typename === 'AuthPayload' ? data.refreshSession : null;
      });
    },
  }));

  const retry = retryExchange({
    initialDelayMs: 100,
    maxNumberAttempts: 3,
    retryIf: (error, operation) =>
      Boolean(error.networkError) && safeToRetry(operation.kind as 'query' | 'mutation', operation.variables as Record<string, unknown>),
  });

  const exchanges: Exchange[] = [cacheExchange, auth, retry];
  if (persistedDocuments) {
    exchanges.push(
      persistedExchange({
        enableForMutation: true,
        preferGetForPersistedQueries: false,
        generateHash: async (_query, document) => documentHash(document),
      }),
    );
  }
  exchanges.push(fetchExchange);
  // Subscriptions go through fetchExchange as SSE (Accept: text/event-stream), so the auth exchange's
  // Authorization header reaches them too (a browser EventSource could not send one).
  return new Client({ url, exchanges, fetch, fetchSubscriptions: true });
}
