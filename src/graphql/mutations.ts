// The shape every mutation shares: one required `input` argument, a payload on success or one of
// the typed errors (a result union), and a logged-in viewer unless the mutation is how one logs in.
import type { InputObjectRef, ObjectRef } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import type { TrackrTypes as Types } from './builder.js';
import { actor, type AuthenticatedContext, type GraphQLContext } from './context.js';
import { DeletePayload } from './types/delete-payload.js';
import type { Actor } from '../services/access.js';

type MutationFieldBuilder = PothosSchemaTypes.MutationFieldBuilder<Types, object>;
type ErrorClass = new (...args: never[]) => Error;

/** The `idempotencyKey` input field of every retry-safe create, described once. */
export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Makes retries safe: a key you choose per action (a UUID, say). Sending the same key with the same input again returns what the first request created instead of creating another; the same key with a different input is a ConflictError. Keys are remembered for 24 hours, per user.';

type MutationOptions<Input, Payload, Context> = {
  description: string;
  input: InputObjectRef<Types, Input>;
  payload: ObjectRef<Types, Payload>;
  /** The expected failures, as members of the result union (each implements `Error`). */
  errors: ErrorClass[];
  resolve: (input: Input, context: Context, info: GraphQLResolveInfo) => Promise<Payload>;
};

/** A mutation for a logged-in viewer: UNAUTHENTICATED without a valid token. */
export function mutation<Input, Payload>(t: MutationFieldBuilder, options: MutationOptions<Input, Payload, AuthenticatedContext>) {
  return t.withAuth({ authenticated: true }).field({
    type: options.payload,
    description: options.description,
    errors: { types: options.errors },
    args: { input: t.arg({ type: options.input, required: true }) },
    resolve: resolver(options),
  });
}

/** A mutation anyone may call (signing up, logging in, refreshing a session). */
export function publicMutation<Input, Payload>(t: MutationFieldBuilder, options: MutationOptions<Input, Payload, GraphQLContext>) {
  return t.field({
    type: options.payload,
    description: options.description,
    errors: { types: options.errors },
    args: { input: t.arg({ type: options.input, required: true }) },
    resolve: resolver(options),
  });
}

/** A delete mutation: `input: { id }`, answering the global id of what is gone so a client cache can evict it. */
export function deleteMutation<Id extends string>(
  t: MutationFieldBuilder,
  options: Omit<MutationOptions<{ id: { id: Id } }, { deletedId: string }, AuthenticatedContext>, 'payload' | 'resolve'> & {
    typename: string;
    remove: (actor: Actor, id: Id) => Promise<unknown>;
  },
) {
  const { typename, remove, ...rest } = options;
  return mutation(t, {
    ...rest,
    payload: DeletePayload,
    resolve: async (input, context) => {
      await remove(actor(context), input.id.id);
      return { deletedId: encodeGlobalID(typename, input.id.id) };
    },
  });
}

/**
 * The field's resolver. Pothos computes its argument and result types from conditional types that
 * TypeScript cannot resolve over this helper's type parameters; the helper's own signature above is
 * what callers are checked against.
 */
function resolver<Input, Payload, Context>(options: MutationOptions<Input, Payload, Context>) {
  return ((_root: unknown, args: { input: Input }, context: Context, info: GraphQLResolveInfo) =>
    options.resolve(args.input, context, info)) as never;
}
