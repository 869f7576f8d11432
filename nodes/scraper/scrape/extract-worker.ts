// Parses pages for one scrape run, away from the event loop that serves HTTP (see extractor.ts).
import { extract } from './extract.js';
import type { ExtractJob, ExtractReply } from './extractor.js';

process.on('message', (job: ExtractJob) => {
  let reply: ExtractReply;
  try {
    const found = extract(job.html, new URL(job.url), job.itemSelector, job.fields, job.nextPageSelector, job.maxItems);
    reply = { id: job.id, items: found.items, next: found.next?.href ?? null };
  } catch (err) {
    reply = { id: job.id, error: (err as Error).message };
  }
  process.send!(reply);
});
// The server went away: so does its parser.
process.on('disconnect', () => process.exit(0));
