import type { FromSchema } from 'json-schema-to-ts';

const email = { type: 'string', format: 'email', maxLength: 320 } as const;
const password = { type: 'string', minLength: 8, maxLength: 200 } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;
export const timezone = { type: 'string', minLength: 1, maxLength: 64, format: 'timezone' } as const;

export const registerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password', 'agencyName'],
  properties: { email, password, agencyName: name, name },
} as const;
export type RegisterBody = FromSchema<typeof registerBody>;

export const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { email: { type: 'string', minLength: 1, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
export type LoginBody = FromSchema<typeof loginBody>;

export const createSubaccountBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name, timezone },
} as const;
export type CreateSubaccountBody = FromSchema<typeof createSubaccountBody>;

export const updateSubaccountBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name, timezone },
} as const;
export type UpdateSubaccountBody = FromSchema<typeof updateSubaccountBody>;

const role = { type: 'string', enum: ['owner', 'admin', 'builder', 'viewer'] } as const;
/** The sub-accounts a builder or viewer is given (owners and admins reach all of them anyway). */
const subaccountIds = { type: 'array', items: { type: 'string', format: 'uuid' }, uniqueItems: true, maxItems: 1000 } as const;

export const createUserBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password', 'role'],
  properties: { email, password, name, role, subaccountIds },
} as const;
export type CreateUserBody = FromSchema<typeof createUserBody>;

export const updateUserBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { role, subaccountIds },
} as const;
export type UpdateUserBody = FromSchema<typeof updateUserBody>;

export const createApiKeyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name,
    /** After this time the key no longer works; it must lie in the future. */
    expiresAt: { type: 'string', format: 'date-time', maxLength: 40 },
  },
} as const;
export type CreateApiKeyBody = FromSchema<typeof createApiKeyBody>;
