// GraphQL Code Generator: typed documents for the example client from the server's printed schema,
// plus the trusted-documents manifest (hash -> document) the server loads with TRUSTED_DOCUMENTS.
// Run with `npm run codegen`; `npm run codegen:check` (CI) fails when the committed output is stale.
import { createHash } from 'node:crypto';
import { addTypenameSelectionDocumentTransform, type ClientPresetConfig } from '@graphql-codegen/client-preset';
import type { CodegenConfig } from '@graphql-codegen/cli';

const presetConfig: ClientPresetConfig = {
  fragmentMasking: false,
  // The hex sha256 of the document text, unprefixed: the APQ convention Apollo's persisted-queries
  // link and urql's persisted exchange use for extensions.persistedQuery.sha256Hash.
  persistedDocuments: {
    mode: 'embedHashInDocument',
    hashAlgorithm: (document: string) => createHash('sha256').update(document).digest('hex'),
  },
};

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/web-client/src/**/*.ts', '!examples/web-client/src/gql/**'],
  importExtension: '.js',
  generates: {
    'examples/web-client/src/gql/': {
      preset: 'client',
      presetConfig,
      // Apollo and urql add __typename to every selection before sending; the manifest must hold the
      // document they send, or the server would answer without the __typename their caches need.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        scalars: { DateTime: 'string', Date: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: false,
      },
    },
    // Which types implement each interface and union: Apollo's cache needs it to match
    // `... on Error` against the concrete error types.
    'examples/web-client/src/gql/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
  },
};

export default config;
