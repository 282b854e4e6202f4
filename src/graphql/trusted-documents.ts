// Trusted documents (persisted operations): with TRUSTED_DOCUMENTS=allowed or required the server
// knows the documents in a manifest written by GraphQL Code Generator (hash -> document text), and
// runs one when a client sends its hash the way Apollo's persisted-queries link and urql's persisted
// exchange do (`extensions.persistedQuery.sha256Hash`, the hex sha256 of the document text).
// `required` refuses any document sent as text, so only the frontends' own operations can run.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { ConfigError, type Config } from '../config.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The manifest as hash -> document. ConfigError when the file is unreadable, not a JSON object of
 * strings, or a key is not the sha256 of its document (a manifest from another hash convention
 * would otherwise refuse every request at run time).
 */
export function loadManifest(path: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  TRUSTED_DOCUMENTS_MANIFEST: cannot read ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Invalid configuration:\n  TRUSTED_DOCUMENTS_MANIFEST: ${path} is not a JSON object of hash -> document`);
  }
  const manifest = new Map<string, string>();
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== 'string' || !SHA256_HEX.test(hash) || createHash('sha256').update(document).digest('hex') !== hash) {
      throw new ConfigError(
        `Invalid configuration:\n  TRUSTED_DOCUMENTS_MANIFEST: in ${path}, ${hash} is not the hex sha256 of its document (generate it with hashAlgorithm sha256, unprefixed)`,
      );
    }
    manifest.set(hash, document);
  }
  return manifest;
}

/** The plugin for TRUSTED_DOCUMENTS; with `off`, one that does nothing. */
export function trustedDocuments({ mode, manifestPath }: Config['trustedDocuments']): Plugin {
  if (mode === 'off' || !manifestPath) return {};
  const manifest = loadManifest(manifestPath);
  return usePersistedOperations({
    allowArbitraryOperations: mode === 'allowed',
    getPersistedOperation: (hash) => manifest.get(hash) ?? null,
    customErrors: {
      // This exact message is what Apollo's and urql's clients look for before sending the full
      // document (which `allowed` then runs and `required` refuses).
      notFound: { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
      persistedQueryOnly: {
        message:
          'This server runs only trusted documents: send the sha256Hash of a document in its manifest (extensions.persistedQuery), not the document',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'No document: send a query, or extensions.persistedQuery.sha256Hash of a trusted document',
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
      },
    },
  });
}
