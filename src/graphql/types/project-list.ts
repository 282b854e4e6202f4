// How project lists are filtered and ordered (Query.projects, User.projects).
import { builder } from '../builder.js';
import { OrderDirection } from './order-direction.js';

export const ProjectFilterRef = builder.inputType('ProjectFilter', {
  fields: (t) => ({
    archived: t.boolean({ description: 'true: only archived projects; default: only active ones.' }),
    search: t.string({ description: 'Case-insensitive text in the name, or the start of the key.' }),
  }),
});

const ProjectOrderField = builder.enumType('ProjectOrderField', { values: ['NAME', 'KEY', 'CREATED_AT', 'UPDATED_AT'] as const });

export const ProjectOrderRef = builder.inputType('ProjectOrder', {
  fields: (t) => ({
    field: t.field({ type: ProjectOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: true, defaultValue: 'ASC' }),
  }),
});
