import robotsModule from 'robots-parser';
import { NodeError, RetryableError } from '../../contract.js';
import { redactUrl } from '../../lib/outbound.js';
import { fetchRobots, type FetchOptions } from './fetch-page.js';

type Parse = typeof robotsModule.default;
// robots-parser is CommonJS whose types declare an ES default export; at run time the default import is
// the function itself (Node's CommonJS interop), under a bundler it may be `.default`.
const robotsParser = ((robotsModule as unknown as { default?: Parse }).default ?? robotsModule) as unknown as Parse;
type Robot = ReturnType<Parse>;

/** A Crawl-delay above this is cut to it: it is waited out inside the step. */
export const MAX_CRAWL_DELAY_MS = 30_000;

export interface Permission {
  allowed: boolean;
  /** robots.txt Crawl-delay for this user agent, in ms (capped). */
  crawlDelayMs: number;
}

/**
 * robots.txt of each origin, fetched once per run (through the same guarded outbound fetch as pages)
 * and asked for every URL before it is fetched.
 */
export class RobotsRules {
  private readonly byOrigin = new Map<string, Promise<Robot | null>>();

  constructor(private readonly options: FetchOptions) {}

  private load(origin: string): Promise<Robot | null> {
    let robot = this.byOrigin.get(origin);
    if (!robot) {
      robot = fetchRobots(origin, this.options).then((answer) => {
        if (answer.kind === 'unreachable') {
          throw new RetryableError(
            `${origin}/robots.txt answered ${answer.status}; until it answers, the site counts as closed to crawlers (RFC 9309), so nothing was scraped.`,
            'robots_unavailable',
          );
        }
        if (answer.kind === 'none') {
          this.options.log(`${origin}/robots.txt: ${answer.status}, no rules`);
          return null;
        }
        // The rules are the site's even when its robots.txt was served through a redirect (RFC 9309).
        return robotsParser(`${origin}/robots.txt`, answer.text);
      });
      // A failed fetch is not kept: the next try of the step asks again.
      robot.catch(() => this.byOrigin.delete(origin));
      this.byOrigin.set(origin, robot);
    }
    return robot;
  }

  async check(url: URL): Promise<Permission> {
    const robot = await this.load(url.origin);
    if (!robot) return { allowed: true, crawlDelayMs: 0 };
    const ua = this.options.userAgent;
    const allowed = robot.isAllowed(url.href, ua) ?? true;
    const delay = robot.getCrawlDelay(ua);
    const crawlDelayMs = delay === undefined || !Number.isFinite(delay) ? 0 : Math.min(delay * 1000, MAX_CRAWL_DELAY_MS);
    return { allowed, crawlDelayMs };
  }
}

export const robotsRefusal = (url: URL, userAgent: string) =>
  new NodeError(`${redactUrl(url)} is disallowed for the user agent "${userAgent}" by ${url.origin}/robots.txt; it was not fetched.`, 'robots_disallowed');
