// Labels belong to a project; admins manage them, everyone in the project sees them.
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { uniqueOrConflict } from '../db/errors.js';
import { NotFoundError, parseInput, unclearable } from '../domain/errors.js';
import { idField, type LabelId } from '../domain/ids.js';
import { visibleProjects } from '../domain/permissions.js';
import type { Label } from '../generated/prisma/client.js';
import { authorize, type Actor } from './access.js';
import type { Db } from './db.js';
import { labelEvent } from './issues.js';

const name = z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters');
const color = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^#[0-9a-f]{6}$/, 'must be a hex color like #3b82f6');
const description = z.string().max(1000, 'must be at most 1000 characters');

const createLabelInput = z.object({
  projectId: idField<'Project'>(),
  name,
  color: unclearable(color).transform((c) => c ?? '#6b7280'),
  description: unclearable(description).transform((d) => d ?? ''),
});

/** Creates a label in a project; needs `label.manage`. ConflictError if the name is taken there. */
export async function createLabel({ prisma, viewer }: Actor, input: z.input<typeof createLabelInput>): Promise<Label> {
  const data = parseInput(createLabelInput, input);
  await authorize(prisma, { viewer, projectId: data.projectId, action: 'label.manage' });
  return uniqueOrConflict(() => prisma.label.create({ data }), `The project already has a label named ${data.name}`);
}

/** A visible label, after asserting `label.manage` in its project. */
async function requireLabel(db: Db, viewer: Viewer, id: LabelId): Promise<Label> {
  const label = await db.label.findFirst({ where: { id, project: visibleProjects(viewer.id) } });
  if (!label) throw new NotFoundError('Label');
  await authorize(db, { viewer, projectId: label.projectId, action: 'label.manage' });
  return label;
}

const updateLabelInput = z.object({
  id: idField<'Label'>(),
  name: unclearable(name),
  color: unclearable(color),
  description: unclearable(description),
});

/** Renames, recolours or redescribes a label; needs `label.manage`. */
export async function updateLabel({ prisma, viewer }: Actor, input: z.input<typeof updateLabelInput>): Promise<Label> {
  const { id, ...data } = parseInput(updateLabelInput, input);
  const label = await requireLabel(prisma, viewer, id);
  return uniqueOrConflict(
    () => prisma.label.update({ where: { id }, data }),
    `The project already has a label named ${data.name ?? label.name}`,
  );
}

/**
 * Deletes a label and takes it off every issue; needs `label.manage`. Each of those issues records
 * LABEL_REMOVED in its history and moves to a new version, as if the label had been taken off by hand.
 */
export async function deleteLabel({ prisma, viewer }: Actor, id: LabelId): Promise<void> {
  await requireLabel(prisma, viewer, id);
  await prisma.$transaction(async (tx) => {
    // Locked first, so no issue can be given the label between reading who has it and deleting it.
    await tx.$executeRaw`SELECT 1 FROM labels WHERE id = ${id}::uuid FOR UPDATE`;
    const tagged = await tx.issueLabel.findMany({ where: { labelId: id }, select: { issueId: true } });
    const issueIds = tagged.map((t) => t.issueId);
    if (issueIds.length) {
      await tx.issueEvent.createMany({
        data: issueIds.map((issueId) => ({ ...labelEvent('LABEL_REMOVED', id), issueId, actorId: viewer.id })),
      });
      await tx.issue.updateMany({ where: { id: { in: issueIds } }, data: { version: { increment: 1 } } });
    }
    await tx.label.delete({ where: { id } });
  });
}
