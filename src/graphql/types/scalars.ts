import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder.js';

// Strict shapes: JavaScript's Date parser rolls 2026-02-30 over into March and takes year 0, which
// PostgreSQL refuses (it has no year 0): every value must be a real date between years 1 and 9999.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$/i;
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

const inRange = (date: Date) => !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= MIN_YEAR && date.getUTCFullYear() <= MAX_YEAR;

/** The calendar date `YYYY-MM-DD` at UTC midnight, or null if there is no such day. */
function calendarDate(value: string): Date | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0-99 to 1900-1999; setting the year again keeps it as given.
  date.setUTCFullYear(year);
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && inRange(date) ? date : null;
}

function parseDateTime(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null;
  const date = match && calendarDate(match[1]) ? new Date(value as string) : null;
  if (!date || !inRange(date)) {
    throw new GraphQLError(
      'DateTime must be an ISO 8601 date-time with a time zone, between years 1 and 9999, such as 2026-11-26T09:30:00Z',
    );
  }
  return date;
}

function parseDate(value: unknown): Date {
  const date = typeof value === 'string' ? calendarDate(value) : null;
  if (!date) throw new GraphQLError('Date must be a calendar date between years 1 and 9999, such as 2026-11-26');
  return date;
}

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC (2026-11-26T09:30:00.000Z).',
  serialize: (value) => value.toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('Date', {
  description: 'A calendar date without time zone, as YYYY-MM-DD.',
  serialize: (value) => value.toISOString().slice(0, 10),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});
