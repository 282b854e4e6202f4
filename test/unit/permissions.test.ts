// The whole permission matrix, action by action, role by role, for one's own objects and others',
// against the rules written out here by hand; and README's matrix against the same table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../src/domain/errors.js';
import { PERMISSIONS, assertCan, can, type Action } from '../../src/domain/permissions.js';
import type { ProjectRole } from '../../src/generated/prisma/client.js';
import { withMatrix } from '../../scripts/permission-matrix.js';

type Standing = ProjectRole | 'outsider';
const STANDINGS: Standing[] = ['VIEWER', 'MEMBER', 'ADMIN', 'OWNER', 'outsider'];

// Who may, as README's matrix says: [on others' objects, on one's own] per standing.
const y = [true, true] as const;
const n = [false, false] as const;
const ownOnly = [false, true] as const;
const EXPECTED: Record<Action, Record<Standing, readonly [boolean, boolean]>> = {
  'project.read': { VIEWER: y, MEMBER: y, ADMIN: y, OWNER: y, outsider: n },
  'issue.create': { VIEWER: n, MEMBER: y, ADMIN: y, OWNER: y, outsider: n },
  'issue.update': { VIEWER: n, MEMBER: y, ADMIN: y, OWNER: y, outsider: n },
  'issue.delete': { VIEWER: n, MEMBER: ownOnly, ADMIN: y, OWNER: y, outsider: n },
  'comment.create': { VIEWER: n, MEMBER: y, ADMIN: y, OWNER: y, outsider: n },
  'comment.update': { VIEWER: n, MEMBER: ownOnly, ADMIN: ownOnly, OWNER: ownOnly, outsider: n },
  'comment.delete': { VIEWER: n, MEMBER: ownOnly, ADMIN: y, OWNER: y, outsider: n },
  'project.update': { VIEWER: n, MEMBER: n, ADMIN: y, OWNER: y, outsider: n },
  'label.manage': { VIEWER: n, MEMBER: n, ADMIN: y, OWNER: y, outsider: n },
  'member.manage': { VIEWER: n, MEMBER: n, ADMIN: y, OWNER: y, outsider: n },
  'member.manageOwners': { VIEWER: n, MEMBER: n, ADMIN: n, OWNER: y, outsider: n },
  'project.transferOwnership': { VIEWER: n, MEMBER: n, ADMIN: n, OWNER: y, outsider: n },
  'project.delete': { VIEWER: n, MEMBER: n, ADMIN: n, OWNER: y, outsider: n },
  'project.leave': { VIEWER: y, MEMBER: y, ADMIN: y, OWNER: y, outsider: n },
};

const ME = 'me';
const access = (standing: Standing) => ({ userId: ME, role: standing === 'outsider' ? null : standing });

describe('permission matrix', () => {
  it('covers every action of the table, and no other', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });

  const cases = (Object.keys(EXPECTED) as Action[]).flatMap((action) =>
    STANDINGS.flatMap((standing) =>
      (['others', 'own'] as const).map((whose, i) => ({ action, standing, whose, allowed: EXPECTED[action][standing][i] })),
    ),
  );

  it.each(cases)('$action as $standing on $whose: $allowed', ({ action, standing, whose, allowed }) => {
    const resource = { createdBy: whose === 'own' ? ME : 'someone else' };
    expect(can(access(standing), action, resource)).toBe(allowed);
    const assertion = () => assertCan(access(standing), action, 'Project', resource);
    if (allowed) expect(assertion).not.toThrow();
    // Outsiders are told the object does not exist; members that it is not theirs to do.
    else expect(assertion).toThrow(standing === 'outsider' ? NotFoundError : ForbiddenError);
  });

  it('is what README.md shows', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme, 'README.md is stale: run npm run docs:permissions').toBe(withMatrix(readme));
  });
});
