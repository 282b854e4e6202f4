// The browser side of a login: the two tokens, and one refresh at a time.
//
// Refresh tokens are single-use, and presenting a used one again revokes the whole session (the
// server's defence against a stolen token). So when several requests fail with UNAUTHENTICATED at
// once, they must share one refresh instead of each spending the refresh token.

export type Tokens = { accessToken: string; refreshToken: string };

/** Exchanges a refresh token for new tokens; null when the server refuses (log in again). */
export type RefreshExchange = (refreshToken: string) => Promise<Tokens | null>;

/** The operation that exchanges tokens: it is sent without the (expired) access token. */
export const REFRESH_OPERATION = 'RefreshSession';

export class TokenStore {
  private tokens: Tokens | null = null;
  private refreshing: Promise<boolean> | null = null;

  get accessToken(): string | undefined {
    return this.tokens?.accessToken;
  }

  /** The tokens held now (to persist them, say); null when logged out. */
  get current(): Tokens | null {
    return this.tokens;
  }

  save(tokens: Tokens): void {
    this.tokens = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  }

  clear(): void {
    this.tokens = null;
  }

  /**
   * Refreshes the tokens once for every caller that asks while a refresh is in flight, and not at all
   * for a request whose token (`failedToken`) has already been replaced. True when there are new
   * tokens; false (and logged out) when there is no refresh token or it was refused.
   */
  refresh(exchange: RefreshExchange, failedToken?: string): Promise<boolean> {
    if (failedToken && this.tokens && this.tokens.accessToken !== failedToken && !this.refreshing) return Promise.resolve(true);
    this.refreshing ??= this.exchange(exchange).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async exchange(exchange: RefreshExchange): Promise<boolean> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return false;
    const fresh = await exchange(refreshToken);
    if (fresh) this.save(fresh);
    else this.clear();
    return fresh !== null;
  }
}

/** Only reads, and writes that carry an idempotency key, may be sent again after a lost response. */
export function safeToRetry(kind: 'query' | 'mutation' | 'subscription', variables: Record<string, unknown> | undefined): boolean {
  if (kind === 'query') return true;
  const input = variables?.input;
  return kind === 'mutation' && typeof input === 'object' && input !== null && 'idempotencyKey' in input && Boolean(input.idempotencyKey);
}

/** The hash codegen embedded in a typed document (`persistedDocuments`): the key of the trusted-documents manifest. */
export function documentHash(document: object): string {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash !== 'string') throw new Error('This document was not generated with persisted documents: run `npm run codegen`');
  return hash;
}
