// The yoga plugins of incremental delivery: @defer and @stream over multipart HTTP and SSE.
// Subscriptions over SSE need no plugin (yoga serves them); WebSocket is graphql/websocket.ts.
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { Plugin } from 'graphql-yoga';

export function realtimePlugins(): Plugin[] {
  return [useDeferStream()];
}
