import { builder } from '../builder.js';
import { actor } from '../context.js';
import { brandIds } from '../ids.js';
import { deleteMutation, mutation } from '../mutations.js';
import { ProjectRef } from './project.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { visibleProjects } from '../../domain/permissions.js';
import type { Label } from '../../generated/prisma/client.js';
import { createLabel, deleteLabel, updateLabel } from '../../services/labels.js';

export const LabelRef = brandIds(
  builder.prismaNode('Label', {
    description: 'A tag for issues, defined per project.',
    id: { field: 'id' },
    select: { id: true },
    // A node that is missing or hidden resolves to null instead of an error.
    nullable: true,
    findUnique: (id, context) => ({ id, project: visibleProjects(context.viewer?.id ?? null) }),
    fields: (t) => ({
      name: t.exposeString('name'),
      color: t.exposeString('color', { description: 'Hex color, like #3b82f6.' }),
      description: t.exposeString('description'),
      project: t.relation('project'),
    }),
  }),
  'Label',
);

const LabelPayload = builder.objectRef<{ label: Label }>('LabelPayload').implement({
  fields: (t) => ({ label: t.field({ type: LabelRef, resolve: (p) => p.label }) }),
});

const CreateLabelInput = builder.inputType('CreateLabelInput', {
  fields: (t) => ({
    projectId: t.globalID({ required: true, for: [ProjectRef] }),
    name: t.string({ required: true }),
    color: t.string({ description: 'Hex color like #3b82f6; default gray.' }),
    description: t.string(),
  }),
});

const UpdateLabelInput = builder.inputType('UpdateLabelInput', {
  fields: (t) => ({
    id: t.globalID({ required: true, for: [LabelRef] }),
    name: t.string(),
    color: t.string(),
    description: t.string(),
  }),
});

const LabelIdInput = builder.inputType('LabelIdInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: [LabelRef] }) }),
});

const labelErrors = [ValidationError, NotFoundError, ForbiddenError, ConflictError];

builder.mutationFields((t) => ({
  createLabel: mutation(t, {
    payload: LabelPayload,
    description: 'Creates a label in a project. Needs ADMIN.',
    errors: labelErrors,
    input: CreateLabelInput,
    resolve: async (input, context) => ({ label: await createLabel(actor(context), { ...input, projectId: input.projectId.id }) }),
  }),
  updateLabel: mutation(t, {
    payload: LabelPayload,
    description: 'Renames, recolours or redescribes a label. Needs ADMIN.',
    errors: labelErrors,
    input: UpdateLabelInput,
    resolve: async (input, context) => ({ label: await updateLabel(actor(context), { ...input, id: input.id.id }) }),
  }),
  deleteLabel: deleteMutation(t, {
    typename: 'Label',
    description: 'Deletes a label and takes it off every issue (each records it in its history). Needs ADMIN.',
    errors: labelErrors,
    input: LabelIdInput,
    remove: deleteLabel,
  }),
}));
