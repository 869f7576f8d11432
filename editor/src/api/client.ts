import type { ApiErrorBody, ErrorDetail } from './types';

const TOKEN_KEY = 'switchboard.token';

/** An API error as CONTRACT §2 shapes it, with a message fit to show where the user acted. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const storedToken = (): string | null => localStorage.getItem(TOKEN_KEY);
export const storeToken = (token: string | null): void => (token ? localStorage.setItem(TOKEN_KEY, token) : localStorage.removeItem(TOKEN_KEY));

let onUnauthorized: () => void = () => undefined;
/** Called when a signed-in call answers 401 (revoked or expired token): the app goes back to sign-in. */
export const whenUnauthorized = (handler: () => void): void => {
  onUnauthorized = handler;
};

let onPlanLimit: (message: string, details: ErrorDetail[]) => void = () => undefined;
/** Called when a plan limit refuses an action (429 plan_limit_reached), so the way out can be shown wherever it happened. */
export const whenPlanLimit = (handler: (message: string, details: ErrorDetail[]) => void): void => {
  onPlanLimit = handler;
};

/** `signal` aborts the call (a listen the person cancelled): it then rejects, and the caller knows why. */
export async function api<T>(method: string, path: string, body?: unknown, options: { signal?: AbortSignal } = {}): Promise<T> {
  const token = storedToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: options.signal });
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached. Check your connection and try again.');
  }
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const error = (parsed as ApiErrorBody | undefined)?.error;
    if (res.status === 401 && token && !path.startsWith('/api/auth/login')) onUnauthorized();
    if (res.status === 429 && error?.code === 'plan_limit_reached') onPlanLimit(error.message, error.details ?? []);
    throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${res.status}.`, error?.details ?? []);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The message to show for anything a call threw. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
