// README's client snippets are the tested example code: each ```ts block that starts with a
// `// examples/...` line must appear verbatim in that file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SNIPPET = /```ts\n\/\/ (examples\/[^\n]+)\n([\s\S]*?)\n```/g;

describe('README client snippets', () => {
  const snippets = [...readFileSync('README.md', 'utf8').matchAll(SNIPPET)].map(([, file, code]) => ({ file, code }));

  it('show the example client', () => {
    expect(snippets.map((s) => s.file)).toEqual(
      expect.arrayContaining(['examples/web-client/src/apollo.ts', 'examples/web-client/src/urql.ts', 'examples/web-client/src/app.ts']),
    );
  });

  it.each(snippets.map((s) => [s.file, s.code.split('\n')[0], s.code] as const))('%s: %s', (file, _firstLine, code) => {
    expect(readFileSync(file, 'utf8')).toContain(code);
  });
});
