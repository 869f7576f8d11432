/** One problem with the caller's input, located by a JSON pointer into what they sent. */
export interface ErrorDetail {
  path: string;
  message: string;
  [key: string]: unknown;
}

/** An error the API answers with its own status and code (CONTRACT §2). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = [], code = 'validation_failed') =>
  new HttpError(400, code, message, details);
export const unauthorized = (message = 'Sign in first: send "Authorization: Bearer <token>".') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'Your role does not allow this.') => new HttpError(403, 'forbidden', message);
export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `No such ${what}.`);
export const conflict = (message: string, code = 'conflict') => new HttpError(409, code, message);
export const unprocessable = (message: string, details: ErrorDetail[] = [], code = 'unprocessable') =>
  new HttpError(422, code, message, details);
export const tooManyRequests = (message: string, retryAfterSeconds: number, code = 'rate_limited') =>
  new HttpError(429, code, message, [], { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
/** Seconds a sender refused for a full backlog is asked to wait before sending again. */
export const BACKLOG_RETRY_AFTER_SECONDS = 5;
/** MAX_BACKLOG reached (CONTRACT §7): nothing was stored, so the sender keeps the request and sends it again. */
export const backlogFull = () =>
  new HttpError(
    503,
    'backlog_full',
    `More accepted work is waiting to run than this installation takes on (MAX_BACKLOG); nothing was stored. Send it again in ${BACKLOG_RETRY_AFTER_SECONDS} seconds.`,
    [],
    { 'Retry-After': String(BACKLOG_RETRY_AFTER_SECONDS) },
  );
