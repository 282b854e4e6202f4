// Assembles the schema: every type file registers itself on the builder when imported.
import { builder } from './builder.js';
import './types/scalars.js';
import './types/errors.js';
import './types/order-direction.js';
import './types/viewer-can.js';
import './types/user.js';
import './types/auth.js';
import './types/project.js';
import './types/project-member.js';
import './types/issue-enums.js';
import './types/issue-filter.js';
import './types/issue.js';
import './types/label.js';
import './types/comment.js';
import './types/issue-event.js';
import './types/search.js';
import './types/activity.js';

builder.queryType({ description: 'Reads. Lists are Relay connections; lookups return null for what you cannot see.' });
builder.subscriptionType({
  description: 'Live changes, over SSE (this endpoint, Accept: text/event-stream) or WebSocket (graphql-ws, same path).',
});
builder.mutationType({ description: 'Writes. Each takes one `input` and returns a union of its payload and typed errors.' });

export const schema = builder.toSchema({ sortSchema: true });
