// The yoga plugins of the realtime side: @defer and @stream over multipart HTTP and SSE, and the
// SSE `id:` line of every subscription event. Subscriptions over SSE are otherwise yoga's own;
// WebSocket is graphql/websocket.ts.
import { isAsyncIterable } from '@envelop/core';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { ExecutionResult } from 'graphql';
import { getSSEProcessor, type Plugin } from 'graphql-yoga';

type ResultProcessor = ReturnType<typeof getSSEProcessor>;
/** A result with its own serialiser: yoga writes it with `stringify` when there is one. */
type ExecutionResultWithSerializer = ExecutionResult & { stringify?: (result: ExecutionResult) => string };

/**
 * The event id of the result being produced for a request's subscription. A subscription's results
 * are produced one at a time (the next is pulled only after the previous one is written), so the
 * id the resolver notes is the id of the result the SSE stream takes next.
 */
const pendingEventIds = new WeakMap<Request, string>();

/** Called by the subscription resolver with the event id of the event it resolves. */
export function noteEventId(context: { request?: Request }, eventId: string): void {
  if (context.request) pendingEventIds.set(context.request, eventId);
}

function takeEventId(request: Request): string | undefined {
  const id = pendingEventIds.get(request);
  pendingEventIds.delete(request);
  return id;
}

/**
 * Yoga's own SSE processor (graphql-sse distinct connections mode), given the subscription's results
 * with an `id: <eventId>` line after each one's data, so SSE clients that honour it (EventSource)
 * reconnect with Last-Event-ID by themselves and get what they missed (subscriptions.ts). Yoga
 * writes a result as `data: <result.stringify(result)>` and ends the event with a blank line; a
 * result's `stringify` is its documented serialiser hook (ExecutionResultWithSerializer).
 */
function sseWithEventIds(request: Request, sse: ResultProcessor): ResultProcessor {
  return (result, fetchAPI, acceptedMediaType) => {
    const results = (result as AsyncIterable<ExecutionResultWithSerializer>)[Symbol.asyncIterator]();
    const withIds: AsyncIterableIterator<ExecutionResultWithSerializer> = {
      async next() {
        const step = await results.next();
        if (step.done) return step;
        const id = takeEventId(request);
        // An SSE field ends at a line break: an id is digits, but never let one through.
        if (id === undefined || /[\r\n]/.test(id)) return step;
        return { done: false, value: { ...step.value, stringify: (r) => `${JSON.stringify(r)}\nid: ${id}` } };
      },
      return: async () => (await results.return?.()) ?? { done: true, value: undefined },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return sse(withIds, fetchAPI, acceptedMediaType);
  };
}

/**
 * Serves subscriptions over SSE with `id:` lines. Only a subscription's stream is taken over: for
 * one, yoga offers SSE as the only processor of a stream (JSON cannot carry one), so a stream
 * result with a processor chosen is an SSE one. Other streams (@defer, @stream) stay yoga's.
 */
function useSseEventIds(): Plugin {
  const subscriptions = new WeakSet<Request>();
  const sse = getSSEProcessor();
  return {
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (request) subscriptions.add(request);
    },
    onResultProcess(payload) {
      const { request, result } = payload;
      if (!subscriptions.has(request) || !isAsyncIterable(result) || payload.resultProcessor === undefined) return;
      payload.setResultProcessor(sseWithEventIds(request, sse), 'text/event-stream');
    },
  };
}

export function realtimePlugins(): Plugin[] {
  return [useDeferStream(), useSseEventIds()];
}
