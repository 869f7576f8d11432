import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { tooManyRequests } from '../lib/errors.js';

const WINDOW_SECONDS = 15 * 60;

/** Counts failed logins per email and per client address; success clears the email's count. */
export class LoginLimiter {
  private readonly byEmail = new RateLimiterMemory({ points: 10, duration: WINDOW_SECONDS, keyPrefix: 'email' });
  private readonly byIp = new RateLimiterMemory({ points: 100, duration: WINDOW_SECONDS, keyPrefix: 'ip' });

  async assertAllowed(email: string, ip: string): Promise<void> {
    const [emailState, ipState] = await Promise.all([this.byEmail.get(email.toLowerCase()), this.byIp.get(ip)]);
    for (const [state, limit] of [
      [emailState, 10],
      [ipState, 100],
    ] as const) {
      if (state && state.consumedPoints >= limit) {
        throw tooManyRequests('Too many failed sign-in attempts. Wait and try again.', state.msBeforeNext / 1000, 'too_many_attempts');
      }
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.byEmail.penalty(email.toLowerCase(), 1),
      this.byIp.penalty(ip, 1),
    ]).catch((err: unknown) => {
      if (!(err instanceof RateLimiterRes)) throw err;
    });
  }

  async recordSuccess(email: string): Promise<void> {
    await this.byEmail.delete(email.toLowerCase());
  }
}
