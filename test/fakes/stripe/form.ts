/** A Stripe request body or object, as decoded from its form encoding. */
export type StripeObject = { [key: string]: unknown };

/**
 * Decodes Stripe's form encoding: `metadata[plan]=x&line_items[0][price]=y` → `{metadata: {plan: 'x'},
 * line_items: [{price: 'y'}]}` (objects whose keys are all indexes become arrays).
 */
export function decodeForm(body: string): StripeObject {
  const root: StripeObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as StripeObject;
    });
  }
  const arrays = (value: unknown): unknown => {
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as StripeObject).map(([k, v]) => [k, arrays(v)] as const);
    return entries.length && entries.every(([k]) => /^\d+$/.test(k)) ? entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v) : Object.fromEntries(entries);
  };
  return arrays(root) as StripeObject;
}
