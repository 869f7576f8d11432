import { Blob } from 'node:buffer';
import { FormData } from 'undici';
import { NodeError } from '../../contract.js';
import type { OutboundBody } from '../../lib/outbound.js';

export type BodyType = 'json' | 'form' | 'multipart' | 'raw';

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const bad = (message: string) => new NodeError(message, 'invalid_body');

/** `{a: 1, tags: ["x", "y"]}` → `a=1&tags=x&tags=y`; a string is taken as already encoded. */
function formBody(body: unknown): URLSearchParams | string {
  if (typeof body === 'string') return body;
  if (!isPlainObject(body)) throw bad('A form body must be an object of fields (or an already encoded string).');
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one === null || one === undefined) continue;
      if (!isScalar(one)) throw bad(`The form field "${name}" must be text, a number, a boolean or a list of them.`);
      params.append(name, String(one));
    }
  }
  return params;
}

/** A file part: `{base64 | text, filename?, contentType?}`. */
function filePart(name: string, part: Record<string, unknown>): [Blob, string] {
  const { base64, text, filename, contentType } = part;
  const unknownKeys = Object.keys(part).filter((k) => !['base64', 'text', 'filename', 'contentType'].includes(k));
  if (unknownKeys.length) throw bad(`The multipart field "${name}" has unknown keys (${unknownKeys.join(', ')}); a file part is {base64 | text, filename?, contentType?}.`);
  if ((typeof base64 === 'string') === (typeof text === 'string')) throw bad(`The multipart field "${name}" needs exactly one of base64 or text.`);
  if (filename !== undefined && typeof filename !== 'string') throw bad(`The filename of the multipart field "${name}" must be text.`);
  if (contentType !== undefined && typeof contentType !== 'string') throw bad(`The contentType of the multipart field "${name}" must be text.`);
  if (typeof base64 === 'string' && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64.replace(/\s+/g, ''))) throw bad(`The multipart field "${name}" holds base64 that is not valid.`);
  const bytes = typeof base64 === 'string' ? Buffer.from(base64, 'base64') : Buffer.from(text as string, 'utf8');
  const type = contentType ?? (typeof text === 'string' ? 'text/plain;charset=utf-8' : 'application/octet-stream');
  return [new Blob([bytes], { type }), filename ?? name];
}

/** Text fields are scalars; file parts are objects; a list repeats the field. */
function multipartBody(body: unknown): FormData {
  if (!isPlainObject(body)) throw bad('A multipart body must be an object of fields: text values, or files as {base64 | text, filename?, contentType?}.');
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one === null || one === undefined) continue;
      if (isScalar(one)) form.append(name, String(one));
      else if (isPlainObject(one)) form.append(name, ...filePart(name, one));
      else throw bad(`The multipart field "${name}" must be text, a number, a boolean, a file part or a list of them.`);
    }
  }
  return form;
}

function jsonBody(body: unknown): string {
  if (typeof body !== 'string') return JSON.stringify(body);
  // A string under bodyType "json" is JSON text someone typed: send it as written once it parses.
  try {
    JSON.parse(body);
  } catch (err) {
    throw bad(`The body is not valid JSON: ${(err as Error).message}.`);
  }
  return body;
}

/**
 * The body to send and the Content-Type it implies (set unless the user chose one; multipart always sets
 * its own, as the boundary must match). Without `bodyType`, objects and arrays go as JSON and strings as
 * they are.
 */
export function requestBody(bodyType: BodyType | undefined, body: unknown, headers: Record<string, string>, log: (message: string) => void): OutboundBody {
  const type = bodyType ?? (typeof body === 'string' ? 'raw' : 'json');
  switch (type) {
    case 'json':
      headers['content-type'] ??= 'application/json';
      return jsonBody(body);
    case 'form': {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      return formBody(body);
    }
    case 'multipart':
      if (headers['content-type']) log('multipart: the Content-Type header you set is replaced by multipart/form-data with its boundary');
      delete headers['content-type'];
      return multipartBody(body);
    case 'raw':
      if (typeof body !== 'string') throw bad('A raw body must be text; use bodyType "json" for objects and arrays.');
      return body;
  }
}
