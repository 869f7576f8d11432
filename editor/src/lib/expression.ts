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
