import { builder } from '../builder.js';

/** What every delete mutation returns: the global id of what is gone, so a client cache can evict it. */
export const DeletePayload = builder.objectRef<{ deletedId: string }>('DeletePayload').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId', { description: 'The global ID of what was deleted.' }) }),
});
