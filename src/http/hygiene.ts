// HTTP-level defences (OWASP REST and GraphQL cheat sheets):
//  - CSRF: a POST must be JSON. Browsers send form, multipart and text/plain bodies cross-site
//    without a CORS preflight; JSON needs one, which CORS only grants to the allowlist. (Yoga itself
//    would parse form and multipart bodies.) GET carries queries only: yoga refuses mutations over
//    GET with 405.
//  - Security headers on every response; no caching anywhere (responses carry tokens and private data).
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';

/** Content types a GraphQL POST may have: each needs a preflight when sent cross-site. */
const POST_TYPES = new Set(['application/json', 'application/graphql+json', 'application/graphql-response+json']);

// The GraphiQL page is one HTML document with its scripts and styles inlined (render-graphiql),
// which talks to this same origin; the API itself serves no active content at all.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const mediaType = (header: string | null) => header?.split(';')[0].trim().toLowerCase() ?? '';

function refusal(status: number, message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

export function useHttpHygiene(config: Pick<Config, 'env'>): Plugin {
  return {
    onRequest(hook) {
      const { request } = hook;
      if (request.method !== 'POST' || POST_TYPES.has(mediaType(request.headers.get('content-type')))) return;
      hook.endResponse(refusal(415, 'A GraphQL POST must have Content-Type: application/json'));
    },
    onResponse({ response }) {
      const headers = response.headers;
      const html = mediaType(headers.get('content-type')) === 'text/html';
      headers.set('x-content-type-options', 'nosniff');
      headers.set('referrer-policy', 'no-referrer');
      headers.set('x-frame-options', 'DENY');
      headers.set('content-security-policy', html ? GRAPHIQL_CSP : API_CSP);
      headers.set('cross-origin-opener-policy', 'same-origin');
      headers.set('cache-control', 'no-store');
      // Only meaningful over HTTPS (a proxy terminates it in production); pins nothing in development.
      if (config.env === 'production') headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
    },
  };
}
