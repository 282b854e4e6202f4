// isUniqueViolation must tell unique indexes apart by their exact columns, on the errors Prisma
// really throws through adapter-pg (not hand-made shapes): 'key' is not users_email_key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../src/db/errors.js';
import { startTestApp, unique, uniqueKey, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function thrown(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a unique violation');
}

describe('isUniqueViolation', () => {
  it('matches the constraint column exactly', async () => {
    const email = `${unique('dup-')}@example.com`;
    const user = await t.db.prisma.user.create({ data: { email, name: 'One', passwordHash: 'x' } });
    const emailError = await thrown(() => t.db.prisma.user.create({ data: { email, name: 'Two', passwordHash: 'x' } }));

    const key = uniqueKey();
    await t.db.prisma.project.create({ data: { key, name: 'One', ownerId: user.id } });
    const keyError = await thrown(() => t.db.prisma.project.create({ data: { key, name: 'Two', ownerId: user.id } }));

    const project = await t.db.prisma.project.findUniqueOrThrow({ where: { key } });
    await t.db.prisma.projectMember.create({ data: { projectId: project.id, userId: user.id, role: 'OWNER' } });
    const memberError = await thrown(() =>
      t.db.prisma.projectMember.create({ data: { projectId: project.id, userId: user.id, role: 'OWNER' } }),
    );

    expect(isUniqueViolation(emailError)).toBe(true);
    expect(isUniqueViolation(emailError, 'email')).toBe(true);
    expect(isUniqueViolation(emailError, 'key')).toBe(false);
    expect(isUniqueViolation(keyError, 'key')).toBe(true);
    expect(isUniqueViolation(keyError, 'email')).toBe(false);
    // A composite index is not a match for one of its columns, nor for a fragment of a name.
    expect(isUniqueViolation(memberError)).toBe(true);
    expect(isUniqueViolation(memberError, 'user_id')).toBe(false);
    expect(isUniqueViolation(memberError, 'id')).toBe(false);
  });

  it('is false for anything that is not a unique violation', () => {
    expect(isUniqueViolation(new Error('key'), 'key')).toBe(false);
    expect(isUniqueViolation({ code: 'P2025', meta: { target: ['key'] } }, 'key')).toBe(false);
  });
});
