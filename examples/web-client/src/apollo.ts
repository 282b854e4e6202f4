// Apollo Client for Trackr: bearer auth with a refresh on UNAUTHENTICATED, safe retries, relay-style
// pagination in the normalised cache, subscriptions over graphql-ws (a split link), and (optionally)
// trusted documents sent by hash.
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { RetryLink } from '@apollo/client/link/retry';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { relayStylePagination } from '@apollo/client/utilities';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { from, switchMap } from 'rxjs';
import possibleTypesResult from './gql/possible-types.js';
import { RefreshSession } from './operations.js';
import { documentHash, REFRESH_OPERATION, safeToRetry, type TokenStore, type Tokens } from './session.js';

export type ApolloOptions = {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  uri: string;
  tokens: TokenStore;
  /** Send operations by their manifest hash (the server's TRUSTED_DOCUMENTS). */
  persistedDocuments?: boolean;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
  /** A WebSocket class where there is no global one (Node 20: the `ws` package). */
  webSocketImpl?: unknown;
};

/** The cache: every object by `__typename:id`, and connections merged page after page. */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    // Generated from the schema, so `... on Error` matches every concrete error type.
    possibleTypes: possibleTypesResult.possibleTypes,
    typePolicies: {
      // The filter and order are part of a list's identity; the cursors are not (pages merge).
      Project: { fields: { issues: relayStylePagination(['filter', 'orderBy']) } },
      Query: { fields: { issues: relayStylePagination(['filter', 'orderBy']) } },
    },
  });
}

const isUnauthenticated = (error: unknown) =>
  CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');

export function createApolloClient({ uri, tokens, persistedDocuments = false, fetch, webSocketImpl }: ApolloOptions): ApolloClient {
  // Read at each attempt, so a retry after a refresh carries the new token.
  const auth = new SetContextLink((previous, operation) => {
    const headers = previous.headers as Record<string, string> | undefined;
    const token = operation.operationName === REFRESH_OPERATION ? undefined : tokens.accessToken;
    return token ? { headers: { ...headers, authorization: `Bearer ${token}` } } : {};
  });

  const exchange = async (refreshToken: string): Promise<Tokens | null> => {
    const { data } = await client.mutate({ mutation: RefreshSession, variables: { input: { refreshToken } } });
    return data?.refreshSession.__typename === 'AuthPayload' ? data.refreshSession : null;
  };

  // An expired access token: refresh once (shared by concurrent failures), then send the operation again.
  const refreshOnExpiry = new ErrorLink(({ error, operation, forward }) => {
    if (operation.operationName === REFRESH_OPERATION || !isUnauthenticated(error)) return;
    const { headers } = operation.getContext() as { headers?: Record<string, string> };
    const failedToken = headers?.authorization?.replace(/^Bearer /, '');
    return from(tokens.refresh(exchange, failedToken)).pipe(
      switchMap((refreshed) => {
        if (!refreshed) throw error instanceof Error ? error : new Error(error.message);
        return forward(operation);
      }),
    );
  });

  // A lost response (network error) is retried only where that cannot do the work twice.
  const retry = new RetryLink({
    delay: { initial: 100, max: 2000, jitter: true },
    attempts: {
      max: 3,
      retryIf: (error, operation) => !CombinedGraphQLErrors.is(error) && safeToRetry(operation.operationType, operation.variables),
    },
  });

  const links: ApolloLink[] = [refreshOnExpiry, auth, retry];
  if (persistedDocuments) links.push(new PersistedQueryLink({ generateHash: documentHash }));
  links.push(new HttpLink({ uri, fetch }));

  // Subscriptions over graphql-ws on the same URL; the token goes in the connection params, read
  // at each (re)connect. The socket opens with the first subscription and closes after the last.
  // Where there is no WebSocket at all (Node 20 without `ws`), the client does everything else.
  const http = ApolloLink.from(links);
  const WebSocketImpl = webSocketImpl ?? globalThis.WebSocket;
  const link = WebSocketImpl
    ? ApolloLink.split(
        ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
        new GraphQLWsLink(
          createClient({
            url: uri.replace(/^http/, 'ws'),
            webSocketImpl: WebSocketImpl,
            connectionParams: () => (tokens.accessToken ? { authorization: `Bearer ${tokens.accessToken}` } : {}),
          }),
        ),
        http,
      )
    : http;

  const client: ApolloClient = new ApolloClient({ link, cache: createCache() });
  return client;
}
