// Subscriptions (and queries) over WebSocket with the graphql-ws protocol, on the HTTP server's own
// port and path (/graphql), executed by the same yoga instance as HTTP requests, so the same
// plugins, context and error masking apply. The token comes in the connection params
// ({ authorization: 'Bearer …' } or { token: '…' }); SSE needs nothing here (yoga serves it).
import type { Server } from 'node:http';
import { GraphQLError, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app.js';
import { AppError } from '../domain/errors.js';
import type { Realtime } from '../events/realtime.js';

/** WebSocket close code for "server restarting" (RFC 6455 registry: 1012 Service Restart). */
const SERVICE_RESTART = 1012;

type Enveloped = Envelope & {
  schema: GraphQLSchema;
  contextFactory: () => Promise<unknown>;
  parse: (source: string) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
};

type Envelope = { execute: (args: ExecutionArgs) => OperationResult; subscribe: (args: ExecutionArgs) => OperationResult };

/** The Authorization value a connection's params carry, if any. */
function authorization(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value === 'string') return value;
  return typeof params?.token === 'string' ? `Bearer ${params.token}` : undefined;
}

/**
 * Serves graphql-ws on `server`'s /graphql. Returns the shutdown: ends every stream with `reason`
 * (an error each client sees), then closes the sockets with 1012 so clients reconnect elsewhere.
 */
export function serveWebSockets(server: Server, app: App, realtime: Realtime): { close(reason: string): Promise<void> } {
  const wss = new WebSocketServer({ server, path: app.graphqlEndpoint });
  const disposable = useServer(
    {
      connectionInitWaitTimeout: 10_000,
      execute: (args) => (args.rootValue as Envelope).execute(args),
      subscribe: (args) => (args.rootValue as Envelope).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws has already registered this operation's id: it counts itself.
        if (Object.keys(ctx.subscriptions).length > realtime.config.maxPerConnection) {
          const message = `At most ${realtime.config.maxPerConnection} subscriptions per connection; complete one first`;
          return [new GraphQLError(message, { extensions: { code: 'RATE_LIMITED' } })];
        }
        const auth = authorization(ctx.connectionParams);
        // The context is built from a request like an HTTP one, so it reads the token the same way.
        const request = new Request(`http://localhost${app.graphqlEndpoint}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        });
        // envelop types these loosely (any); they are graphql-js' own, wrapped by the plugins.
        const { schema, execute, subscribe, contextFactory, parse, validate } = app.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          request,
          params: payload,
        }) as unknown as Enveloped;
        let contextValue: unknown;
        try {
          contextValue = await contextFactory();
        } catch (error) {
          // An expected failure (a bad or revoked token) keeps its code; anything else is not the client's to see.
          if (error instanceof AppError) return [new GraphQLError(error.message, { extensions: { code: error.code } })];
          throw error;
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe } satisfies Envelope,
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wss,
    realtime.config.keepAliveMs,
  );
  return {
    async close(reason) {
      await realtime.close(reason);
      for (const socket of wss.clients) socket.close(SERVICE_RESTART, reason.slice(0, 120));
      await disposable.dispose();
    },
  };
}
