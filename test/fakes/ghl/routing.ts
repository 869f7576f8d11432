import type { FakeGhlState, FakeLocation, FakeToken } from './state.js';

export type FakeVersion = '2021-07-28' | '2021-04-15';

/** One API call as a route sees it, after the fake checked the token, the Version and the body's fields. */
export interface FakeCall {
  method: string;
  /** The pattern's captures: ids from the path. */
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  state: FakeGhlState;
  token: FakeToken;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

/** An error answer in GoHighLevel's shape. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

export const unprocessable = (messages: string[]) => new FakeHttpError(422, { statusCode: 422, message: messages, error: 'Unprocessable Entity' });
export const badRequest = (message: string, extra: Record<string, unknown> = {}) => new FakeHttpError(400, { statusCode: 400, message, ...extra });
export const notFound = (message: string) => new FakeHttpError(404, { statusCode: 404, message, error: 'Not Found' });

export interface FakeRoute {
  method: string;
  pattern: RegExp;
  version: FakeVersion;
  /** Body fields the endpoint takes; any other is a 422 "property x should not exist". */
  fields?: readonly string[];
  /** Body fields it needs. */
  required?: readonly string[];
  handle(call: FakeCall): FakeAnswer;
}

/** The location a call names, if its token may act on it (403 otherwise, as GoHighLevel does). */
export function locationFor(call: FakeCall, id: string | null | undefined): FakeLocation {
  if (!id) throw unprocessable(['locationId should not be empty']);
  if (call.token.locationId && call.token.locationId !== id) {
    throw new FakeHttpError(403, { statusCode: 403, message: 'The token does not have access to this location.' });
  }
  const location = call.state.locations.get(id);
  if (!location) throw badRequest('Location not found');
  return location;
}

/** The token's own location, for calls that name none (contacts by id). */
export function tokenLocation(call: FakeCall): string | undefined {
  return call.token.locationId;
}

export const now = () => new Date().toISOString();

/** The object the path's id names, when the call's token may see it; otherwise GoHighLevel's 400 "<what> not found". */
export function pathObject<T extends { locationId: string }>(call: FakeCall, objects: Map<string, T>, what: string): T {
  const found = objects.get(call.params[0]!);
  if (!found || (tokenLocation(call) && found.locationId !== tokenLocation(call))) throw badRequest(`${what} not found`);
  return found;
}
