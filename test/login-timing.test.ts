// An unknown email must cost what a wrong password costs, from the very first attempt: a first
// unknown-email login that also had to build the dummy hash would tell an attacker the email is free.
// Its own file, so that no earlier test in the process has already built the dummy hash.
import { describe, expect, it } from 'vitest';
import { signUpUser, startTestApp, unique, type TestApp } from './helpers/app.js';

const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { __typename ... on Error { code } } }`;

type Attempt = { cpuMs: number; code?: string };

/**
 * The work a login costs, as this process's CPU time (the hash runs in its worker threads, which
 * process.cpuUsage counts): what an attacker's stopwatch measures on an idle server, without the
 * waiting a busy test machine adds to wall time.
 */
async function timedLogIn(app: TestApp, email: string, password: string): Promise<Attempt> {
  const started = process.cpuUsage();
  const res = await app.gql<{ logIn: { code?: string } }>(LOG_IN, { input: { email, password } });
  const used = process.cpuUsage(started);
  return { cpuMs: (used.user + used.system) / 1000, code: res.data.logIn.code };
}

describe('login timing', () => {
  it('answers the first unknown-email login as fast as a wrong password (the dummy hash is ready at start-up)', async () => {
    const app = await startTestApp({ BCRYPT_COST: '12' });
    try {
      const user = await signUpUser(app);
      // The first requests pay for compiling queries and warming the workers; not what is measured.
      for (let i = 0; i < 2; i++) await timedLogIn(app, user.email, `warm-up ${i}`);
      // Wrong passwords before and after the one unknown email.
      const wrong: Attempt[] = [];
      for (let i = 0; i < 3; i++) wrong.push(await timedLogIn(app, user.email, `wrong password ${i}`));
      const unknown = await timedLogIn(app, `${unique('nobody-')}@example.com`, 'wrong password');
      for (let i = 3; i < 6; i++) wrong.push(await timedLogIn(app, user.email, `wrong password ${i}`));
      for (const attempt of [...wrong, unknown]) expect(attempt.code).toBe('INVALID_CREDENTIALS');
      // Building the dummy hash on the spot doubles the work (one hash, then one compare).
      const costliestWrongMs = Math.max(...wrong.map((a) => a.cpuMs));
      expect(unknown.cpuMs).toBeLessThan(costliestWrongMs * 1.5);
    } finally {
      await app.close();
    }
    // Ten cost-12 hashes (~0.4 s each alone) take far longer on a busy machine.
  }, 120_000);
});
