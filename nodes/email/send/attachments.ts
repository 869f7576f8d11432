import { NodeError, RetryableError } from '../../contract.js';
import { fetchFollowingRedirects, redactUrl } from '../../lib/outbound.js';
import { formatBytes, readBodyCapped } from '../../lib/capped-body.js';
import { retryAfterMs } from '../../lib/http-status.js';
import type { Config } from './schema.js';

/** Per file and for the whole mail: most providers refuse mails over 25 MB. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_TOTAL_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export interface Attachment {
  filename: string;
  content: Buffer;
  contentType?: string;
}

type AttachmentConfig = NonNullable<Config['attachments']>[number];

interface FetchRules {
  signal: AbortSignal;
  allowPrivateNetwork: boolean;
  log(message: string): void;
}

const MIME_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(filename: string, content: string): Buffer {
  // Buffer.from ignores what is not base64; a typo must not become a silently broken file.
  const compact = content.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new NodeError(`The attachment "${filename}" is not valid base64.`, 'invalid_attachment');
  return Buffer.from(compact, 'base64');
}

async function download(filename: string, address: string, rules: FetchRules): Promise<{ content: Buffer; contentType?: string }> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new NodeError(`The attachment "${filename}" has a URL that is not valid: ${redactUrl(address)}.`, 'invalid_attachment');
  }
  const { response } = await fetchFollowingRedirects({ url, method: 'GET', headers: {}, ...rules });
  if (response.status >= 400) {
    await response.body?.cancel().catch(() => undefined);
    const message = `The attachment "${filename}" could not be fetched: ${url.host} answered ${response.status}.`;
    if (response.status === 429 || response.status >= 500) throw new RetryableError(message, `http_${response.status}`, retryAfterMs(response.headers.get('retry-after')));
    throw new NodeError(message, 'attachment_unavailable');
  }
  const content = await readBodyCapped(response, { maxBytes: MAX_ATTACHMENT_BYTES, what: `The attachment "${filename}"` });
  rules.log(`attachment ${filename}: ${content.length} bytes from ${redactUrl(url)}`);
  const type = response.headers.get('content-type')?.split(';')[0]?.trim();
  return { content, contentType: type && MIME_TYPE.test(type) ? type : undefined };
}

/** Every attachment's bytes, fetched through the outbound rules or decoded, within the size caps. */
export async function loadAttachments(list: AttachmentConfig[] | undefined, rules: FetchRules): Promise<Attachment[]> {
  const out: Attachment[] = [];
  let total = 0;
  for (const item of list ?? []) {
    const loaded = item.url !== undefined ? await download(item.filename, item.url, rules) : { content: decodeBase64(item.filename, item.content ?? '') };
    if (loaded.content.length > MAX_ATTACHMENT_BYTES) throw new NodeError(`The attachment "${item.filename}" is larger than ${formatBytes(MAX_ATTACHMENT_BYTES)}.`, 'attachment_too_large');
    total += loaded.content.length;
    if (total > MAX_TOTAL_ATTACHMENT_BYTES) throw new NodeError(`The attachments together are larger than ${formatBytes(MAX_TOTAL_ATTACHMENT_BYTES)}.`, 'attachment_too_large');
    const contentType = item.contentType ?? ('contentType' in loaded ? loaded.contentType : undefined);
    out.push({ filename: item.filename, content: loaded.content, ...(contentType ? { contentType } : {}) });
  }
  return out;
}
