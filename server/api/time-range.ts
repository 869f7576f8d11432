import { Op } from 'sequelize';
import { badRequest, type ErrorDetail } from '../lib/errors.js';

// A date and a time with its offset: without one a time means a different moment in every time zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export interface TimeRange {
  from: Date | null;
  to: Date | null;
}

/** Whether the calendar has that day and the clock that time (JavaScript would roll 31 February into March). */
function real(value: string): boolean {
  const [y, m, d, h, min] = value.split(/[-T:]/).map((part) => parseInt(part, 10));
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d && m >= 1 && m <= 12 && h < 24 && min < 60;
}

function dateTime(value: unknown, name: 'from' | 'to', problems: ErrorDetail[]): Date | null {
  if (value === undefined || value === '') return null;
  const date = typeof value === 'string' && DATE_TIME.test(value) && real(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    problems.push({ path: `/query/${name}`, message: 'is not an ISO 8601 date-time with a time zone' });
    return null;
  }
  return date;
}

/**
 * Reads `from` and `to` (ISO 8601 date-times, both included) from a query string. Bad values answer 400
 * naming each one, as does a range that ends before it starts.
 */
export function timeRange(query: Record<string, unknown>): TimeRange {
  const problems: ErrorDetail[] = [];
  const from = dateTime(query.from, 'from', problems);
  const to = dateTime(query.to, 'to', problems);
  if (problems.length) {
    const names = problems.map((p) => p.path.slice('/query/'.length)).join(' and ');
    throw badRequest(`${names} must be an ISO 8601 date-time with a time zone, such as 2026-01-31T09:30:00Z.`, problems);
  }
  if (from && to && from > to) throw badRequest('from must not be after to.', [{ path: '/query/from', message: 'is after to' }]);
  return { from, to };
}

/** The condition on a date column for a range, or null for an open range. */
export function withinRange(range: TimeRange): Record<symbol, Date> | null {
  if (!range.from && !range.to) return null;
  return { ...(range.from ? { [Op.gte]: range.from } : {}), ...(range.to ? { [Op.lte]: range.to } : {}) };
}

/** How far an id's clock may be from its row's `createdAt` (both are taken as the row is made). */
const ID_CLOCK_SLACK_MS = 60_000;

/** The first (`0`) or last (`f`) UUIDv7 of a millisecond. */
function idAt(ms: number, fill: '0' | 'f'): string {
  const time = Math.max(0, Math.min(ms, 2 ** 48 - 1)).toString(16).padStart(12, '0');
  const rest = fill.repeat(32 - 12);
  return `${time.slice(0, 8)}-${time.slice(8)}-${rest.slice(0, 4)}-${rest.slice(4, 8)}-${rest.slice(8)}`;
}

/**
 * The same range on a UUIDv7 primary key (ordered by creation time), a little wider than the dates: with
 * it an index on (scope, id) reads only the rows of the range, where the date alone made a range far in
 * the past walk every newer row first. The date condition stays the exact one.
 */
export function idsWithinRange(range: TimeRange): Record<symbol, string> | null {
  if (!range.from && !range.to) return null;
  return {
    ...(range.from ? { [Op.gte]: idAt(range.from.getTime() - ID_CLOCK_SLACK_MS, '0') } : {}),
    ...(range.to ? { [Op.lte]: idAt(range.to.getTime() + ID_CLOCK_SLACK_MS, 'f') } : {}),
  };
}
