// Labels belong to a project; admins manage them, everyone in the project sees them.
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import type { PrismaClient } from '../db/client.js';
import { uniqueOrConflict } from '../db/errors.js';
import { NotFoundError, parseInput } from '../domain/errors.js';
import type { Label } from '../generated/prisma/client.js';
import { requireRole, UUID, visibleProjects } from './projects.js';

const name = z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters');
const color = z.string().trim().toLowerCase().regex(/^#[0-9a-f]{6}$/, 'must be a hex color like #3b82f6');
const description = z.string().max(1000, 'must be at most 1000 characters');

const createLabelInput = z.object({ projectId: z.string(), name, color: color.default('#6b7280'), description: description.default('') });

/** Creates a label in a project; needs ADMIN. ConflictError if the name is taken there. */
export async function createLabel(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<Label> {
  const data = parseInput(createLabelInput, input);
  await requireRole(prisma, viewer, data.projectId, 'ADMIN');
  return uniqueOrConflict(() => prisma.label.create({ data }), `The project already has a label named ${data.name}`);
}

async function requireLabel(prisma: PrismaClient, viewer: Viewer, id: string): Promise<Label> {
  const label = UUID.test(id) ? await prisma.label.findFirst({ where: { id, project: visibleProjects(viewer) } }) : null;
  if (!label) throw new NotFoundError('Label');
  await requireRole(prisma, viewer, label.projectId, 'ADMIN');
  return label;
}

const updateLabelInput = z.object({ id: z.string(), name: name.optional(), color: color.optional(), description: description.optional() });

/** Renames or recolours a label; needs ADMIN. */
export async function updateLabel(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<Label> {
  const { id, ...data } = parseInput(updateLabelInput, input);
  await requireLabel(prisma, viewer, id);
  return uniqueOrConflict(() => prisma.label.update({ where: { id }, data }), `The project already has a label named ${data.name}`);
}

/** Deletes a label and takes it off every issue; needs ADMIN. */
export async function deleteLabel(prisma: PrismaClient, viewer: Viewer, id: string): Promise<void> {
  await requireLabel(prisma, viewer, id);
  await prisma.label.delete({ where: { id } });
}
