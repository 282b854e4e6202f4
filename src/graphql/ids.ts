// Global (Relay) ids at the edge, raw branded UUIDs inside. Every global id a client sends (node,
// nodes, arguments, input fields) is decoded here once: a malformed one, one whose inner id is not
// a UUID, or (where the field says which types it takes) one of the wrong type is refused with
// BAD_USER_INPUT before any resolver runs, so services never see an id they must re-check.
import { PothosValidationError } from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { idOf, isUuid, type Id } from '../domain/ids.js';

/** Pothos' decoding, plus the one shape our ids have. */
export function decodeCheckedGlobalId(globalId: string): { typename: string; id: string } {
  const decoded = decodeGlobalID(globalId);
  if (!isUuid(decoded.id)) throw new PothosValidationError(`Invalid global ID: ${globalId}`);
  return decoded;
}

export type GlobalId = { typename: string; id: string };

/** The raw id of a global id that must be of type `typename`; BAD_USER_INPUT otherwise, as Pothos' own `for` check. */
export function ofType(globalId: GlobalId, typename: string): string {
  if (globalId.typename !== typename) throw new PothosValidationError(`ID of type ${globalId.typename} is not of type: ${typename}`);
  return globalId.id;
}

/**
 * Makes `t.globalID({ for: [ref] })` hand resolvers the id branded with the ref's type. Pothos'
 * relay plugin reads a ref's `parseId`, which plugin-prisma's node refs do not set themselves.
 */
export function brandIds<Kind extends string, Ref extends object>(ref: Ref, _kind: Kind): Ref & { parseId: (id: string) => Id<Kind> } {
  return Object.assign(ref, { parseId: (id: string) => idOf<Kind>(id) });
}

/** Keeps GraphQL's three states of an optional input: absent (unchanged), null (clear), a value. */
export function rawOptional<T>(value: { id: T } | null | undefined): T | null | undefined {
  return value === undefined ? undefined : value === null ? null : value.id;
}
