// An unknown email must cost what a wrong password costs, from the very first attempt: a first
// unknown-email login that also had to build the dummy hash would tell an attacker the email is free.
// Its own file, so that no earlier test in the process has already built the dummy hash.
import { describe, expect, it } from 'vitest';
import { signUpUser, startTestApp, unique, type TestApp } from './helpers/app.js';

const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { __typename ... on Error { code } } }`;

type Attempt = { ms: number; code?: string };

async function timedLogIn(app: TestApp, email: string, password: string): Promise<Attempt> {
  const started = performance.now();
  const res = await app.gql<{ logIn: { code?: string } }>(LOG_IN, { input: { email, password } });
  return { ms: performance.now() - started, code: res.data.logIn.code };
}

describe('login timing', () => {
  it('answers the first unknown-email login as fast as a wrong password (the dummy hash is ready at start-up)', async () => {
    const app = await startTestApp({ BCRYPT_COST: '12' });
    try {
      const user = await signUpUser(app);
      // The first requests pay for compiling queries and warming the workers; not what is measured.
      for (let i = 0; i < 2; i++) await timedLogIn(app, user.email, `warm-up ${i}`);
      // Wrong passwords before and after the one unknown email, so that a busy machine slows both alike.
      const wrong: Attempt[] = [];
      for (let i = 0; i < 3; i++) wrong.push(await timedLogIn(app, user.email, `wrong password ${i}`));
      const unknown = await timedLogIn(app, `${unique('nobody-')}@example.com`, 'wrong password');
      for (let i = 3; i < 6; i++) wrong.push(await timedLogIn(app, user.email, `wrong password ${i}`));
      for (const attempt of [...wrong, unknown]) expect(attempt.code).toBe('INVALID_CREDENTIALS');
      // Building the dummy hash on the spot doubles the time (one hash, then one compare): 2x the
      // typical wrong password, well above 1.5x the slowest of six on a quiet machine.
      const slowestWrongMs = Math.max(...wrong.map((a) => a.ms));
      expect(unknown.ms).toBeLessThan(slowestWrongMs * 1.5);
    } finally {
      await app.close();
    }
    // Seven cost-12 hashes (~0.4 s each alone) take far longer on a busy machine; the comparison is relative.
  }, 120_000);
});
