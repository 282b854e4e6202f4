import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { memberOf, rawId } from '../ids.js';
import { DeletePayload, ProjectRef } from './project.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Label } from '../../generated/prisma/client.js';
import { createLabel, deleteLabel, updateLabel } from '../../services/labels.js';

export const LabelRef = builder.prismaNode('Label', {
  description: 'A tag for issues, defined per project.',
  id: { field: 'id' },
  select: { id: true },
  // A node that is missing or hidden resolves to null instead of an error.
  nullable: true,
  findUnique: (id, context) => ({ id: rawId(id), project: memberOf(context) }),
  fields: (t) => ({
    name: t.exposeString('name'),
    color: t.exposeString('color', { description: 'Hex color, like #3b82f6.' }),
    description: t.exposeString('description'),
    project: t.relation('project'),
  }),
});

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
  createLabel: t.field({
    type: LabelPayload,
    description: 'Creates a label in a project. Needs ADMIN.',
    authScopes: { authenticated: true },
    errors: { types: labelErrors },
    args: { input: t.arg({ type: CreateLabelInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      label: await createLabel(context.prisma, context.viewer!, {
        projectId: input.projectId.id,
        name: input.name,
        color: input.color ?? undefined,
        description: input.description ?? undefined,
      }),
    }),
  }),
  updateLabel: t.field({
    type: LabelPayload,
    description: 'Renames, recolours or redescribes a label. Needs ADMIN.',
    authScopes: { authenticated: true },
    errors: { types: labelErrors },
    args: { input: t.arg({ type: UpdateLabelInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      label: await updateLabel(context.prisma, context.viewer!, {
        id: input.id.id,
        name: input.name ?? undefined,
        color: input.color ?? undefined,
        description: input.description ?? undefined,
      }),
    }),
  }),
  deleteLabel: t.field({
    type: DeletePayload,
    description: 'Deletes a label and takes it off every issue. Needs ADMIN.',
    authScopes: { authenticated: true },
    errors: { types: labelErrors },
    args: { input: t.arg({ type: LabelIdInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      await deleteLabel(context.prisma, context.viewer!, input.id.id);
      return { deletedId: encodeGlobalID('Label', input.id.id) };
    },
  }),
}));
