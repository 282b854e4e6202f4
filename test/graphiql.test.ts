// GraphiQL works offline: the page and all its assets come from this server, checked in a real
// headless Chromium that is refused every other address. People log in through it, send the
// Authorization header, browse the docs and run a subscription (GraphiQL's SSE) that shows events.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, unique, type TestApp } from './helpers/app.js';
import { newIssue } from './helpers/issues.js';
import { until } from './helpers/realtime.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
/** Screenshots for people to look at (gitignored). */
const SCREENSHOTS = 'test-results';
if (!hasBrowser && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but ${CHROMIUM} is missing`);

describe.skipIf(!hasBrowser)('GraphiQL in a browser', () => {
  let t: TestApp;
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({ GRAPHIQL: 'true', OUTBOX_POLL_MS: '100' }, { realtime: true });
    server = createServer(t.app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  it('loads with no outside request and runs a query', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    // The playground opens with the query from its URL, as a shared GraphiQL link would.
    await page.goto(`${base}/graphql?query=${encodeURIComponent('query Ping { __typename }')}`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    await page.waitForSelector('.graphiql-query-editor', { timeout: 30_000 });
    expect(await page.title()).toBe('Trackr GraphiQL');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('Query'), null, {
      timeout: 30_000,
    });
    expect(outside).toEqual([]);
    await page.close();
  }, 90_000);

  it('lets a person log in through the editor, send the Authorization header, run a query and browse the docs', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 30_000 });
    // A first visit opens on the example operations (app.ts, GRAPHIQL_DEFAULT_QUERY).
    const examples = (await page.locator('.graphiql-query-editor .view-lines').textContent())?.replace(/\u00a0/g, ' ');
    expect(examples).toContain('mutation SignUp');
    expect(examples).toContain('query Me');

    const email = `${unique('graphiql-')}@example.com`;
    await replaceEditorText(
      page,
      '.graphiql-query-editor',
      `mutation { signUp(input: { email: "${email}", name: "Grace Browser", password: "correct horse battery" }) { ... on AuthPayload { accessToken } ... on Error { code message } } }`,
    );
    const signedUp = await runAndRead(page, 'accessToken');
    // The response pane wraps long lines: the token is read without the wrapping's spaces.
    const token = /"accessToken":\s*"([^"]+)"/.exec(signedUp)?.[1].replace(/\s+/g, '') ?? '';
    expect(token).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);

    await page.getByRole('button', { name: 'Headers' }).click();
    await replaceEditorText(page, '.graphiql-editor-tool', JSON.stringify({ Authorization: `Bearer ${token}` }));
    // Anonymous operations: GraphiQL updates the operation name it sends a moment after an edit, and
    // a stale name ("SignUp") would not be found in the new document.
    await replaceEditorText(page, '.graphiql-query-editor', '{ viewer { name email } }');
    const me = await runAndRead(page, 'Grace Browser');
    expect(me).toContain(email);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/graphiql-viewer.png` });

    // The documentation explorer shows the schema, down to a field's description.
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Mutation', { exact: true }).waitFor();
    await docs.getByText('Query', { exact: true }).click();
    await docs.getByText('The logged-in user; null when the request carries no access token.').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/graphiql-docs.png` });
    await page.close();
  }, 90_000);

  it('runs a subscription and shows the events a mutation causes', async () => {
    const owner = await signUpUser(t, 'Sub Scriber');
    const project = await createProjectAs(t, owner.token);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Headers' }).click();
    await replaceEditorText(page, '.graphiql-editor-tool', JSON.stringify({ Authorization: `Bearer ${owner.token}` }));
    await replaceEditorText(
      page,
      '.graphiql-query-editor',
      `subscription { projectActivity(projectId: "${project.id}") { __typename ... on Activity { eventId } ... on IssueCreated { issue { key title } } } }`,
    );
    await page.click('.graphiql-execute-button');
    // The subscription is open on the server (over SSE, GraphiQL's default) before anything changes.
    const response = page.locator('.graphiql-response .view-lines');
    const read = async () => ((await response.textContent()) ?? '').replace(/\u00a0/g, ' ');
    let shown = '';
    await until(
      async () => {
        shown = await read();
        return t.realtime!.stats().listeners === 1;
      },
      () => `the subscription from GraphiQL (its response pane shows: ${shown || 'nothing'})`,
      60_000,
    );
    const issue = await newIssue(t, owner.token, { projectId: project.id, title: 'Seen in the browser' });
    await expect.poll(read, { timeout: 30_000 }).toContain(issue.key);
    expect(await read()).toContain('Seen in the browser');
    expect(await read()).toContain('IssueCreated');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/graphiql-subscription.png` });
    // Stopping it (the execute button turns into a stop button) ends the stream on the server.
    await page.click('.graphiql-execute-button');
    await until(() => t.realtime!.stats().listeners === 0, 'the subscription to end');
    await page.close();
  }, 90_000);
});

/** Replaces the whole text of the Monaco editor inside `container`, as a paste would. */
async function replaceEditorText(page: Page, container: string, text: string): Promise<void> {
  await page.locator(`${container} .monaco-editor .view-lines`).filter({ visible: true }).first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  // GraphiQL takes an edit into its state (and saves it) after a debounce; on a busy machine a click
  // on Run before that sends nothing or the previous document. Its saved query shows when it has.
  if (container === '.graphiql-query-editor') {
    await page.waitForFunction((expected) => localStorage.getItem('graphiql:query') === expected, text, { timeout: 30_000 });
  }
}

/** Runs the operation and returns the response pane's text once it contains `expected`. */
async function runAndRead(page: Page, expected: string): Promise<string> {
  await page.click('.graphiql-execute-button');
  const response = page.locator('.graphiql-response .view-lines');
  const read = async () => ((await response.textContent()) ?? '').replace(/\u00a0/g, ' ');
  await expect.poll(read, { timeout: 30_000 }).toContain(expected);
  return read();
}
