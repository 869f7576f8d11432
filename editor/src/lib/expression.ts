/** A piece of a config string: plain text or the inside of one `{{ … }}`. */
export interface Segment {
  text: string;
  expression: boolean;
}

/** Splits text into plain and `{{ … }}` pieces, for highlighting (an unclosed `{{` stays plain). */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let rest = text;
  while (rest) {
    const open = rest.indexOf('{{');
    const close = open < 0 ? -1 : rest.indexOf('}}', open + 2);
    if (open < 0 || close < 0) {
      out.push({ text: rest, expression: false });
      break;
    }
    if (open > 0) out.push({ text: rest.slice(0, open), expression: false });
    out.push({ text: rest.slice(open, close + 2), expression: true });
    rest = rest.slice(close + 2);
  }
  return out;
}

export const hasExpression = (text: string): boolean => segments(text).some((s) => s.expression);

/** The expression that reads a field of a node's output, for dropping a field into a form input. */
export function fieldExpression(path: Array<string | number>, from: { nodeId?: string } = {}): string {
  const root = from.nodeId ? `$node.${/^[A-Za-z_]\w*$/.test(from.nodeId) ? from.nodeId : `\`${from.nodeId}\``}` : '$json';
  const tail = path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_]\w*$/.test(p) ? `.${p}` : `.\`${p}\``)).join('');
  return `{{ ${root}${tail} }}`;
}

/** Whether an offset of a JSON text falls inside a string literal (so text dropped there stays JSON). */
export function insideJsonString(json: string, offset: number): boolean {
  let inside = false;
  for (let i = 0; i < offset && i < json.length; i++) {
    if (json[i] === '\\' && inside) i++;
    else if (json[i] === '"') inside = !inside;
  }
  return inside;
}

/**
 * What dropping a field's expression at an offset of a text gives: the text with the expression there,
 * quoted as a JSON string when the text is JSON and the offset is outside a string, and the caret after it.
 */
export function dropInto(text: string, from: number, to: number, expression: string, json = false): { text: string; caret: number } {
  const insert = json && !insideJsonString(text, from) ? JSON.stringify(expression) : expression;
  return { text: text.slice(0, from) + insert + text.slice(to), caret: from + insert.length };
}
