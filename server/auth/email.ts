/** Whitespace and invisible characters (zero-width space, BOM, word joiner…) that may pad a typed or pasted email. */
const EDGES = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}]+|[\p{White_Space}\p{Default_Ignorable_Code_Point}]+$/gu;

/**
 * The one form of an email address that accounts are stored, looked up and rate limited under:
 * padding trimmed (any Unicode whitespace or invisible character), NFKC (so full-width and other
 * compatibility forms fold to their plain letters), lower case. Every path that takes an email
 * (register, login, user creation, the CLI, the login limiter) goes through here, so no spelling of an
 * address can reach an account under a key the limiter does not count.
 */
export function normalizeEmail(raw: string): string {
  // NFKC may turn a character into a space (U+00A0, U+3000…), and lower-casing may produce a sequence
  // NFKC composes: trimming and normalising again makes the function idempotent.
  return raw.replace(EDGES, '').normalize('NFKC').toLowerCase().normalize('NFKC').replace(EDGES, '');
}
