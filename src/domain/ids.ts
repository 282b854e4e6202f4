// Ids as services see them: UUIDs checked once where they enter (the GraphQL edge decodes and
// validates every global id; tokens carry checked ids), branded by kind so that a user id cannot be
// passed where an issue id is expected.
import { z } from 'zod';

declare const kind: unique symbol;

export type Id<Kind extends string> = string & { readonly [kind]: Kind };
export type UserId = Id<'User'>;
export type ProjectId = Id<'Project'>;
export type IssueId = Id<'Issue'>;
export type LabelId = Id<'Label'>;
export type CommentId = Id<'Comment'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical text form: the only shape our primary keys have. */
export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * Brands `value` as an id of `Kind`. Only for ids already known to be UUIDs of that kind: checked
 * at the edge (globalIds.ts), read from a row, or taken from a verified token.
 */
export const idOf = <Kind extends string>(value: string): Id<Kind> => value as Id<Kind>;

/** A well-formed id that no row has: where a lookup must find nothing (an anonymous viewer). */
export const NO_ID = '00000000-0000-0000-0000-000000000000';

/** An id field of a service's input schema: already checked at the edge, so only its type is declared. */
export const idField = <Kind extends string>() => z.custom<Id<Kind>>((value) => typeof value === 'string');
