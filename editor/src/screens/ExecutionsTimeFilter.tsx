import { SPANS, type Span, type TimeChoice } from '../lib/executions';

/** The executions list's time filter: any time, a span back from now, or a custom from–to in local time. */
export function ExecutionsTimeFilter({ value, onChange }: { value: TimeChoice; onChange(next: TimeChoice): void }) {
  const selected = value.kind === 'last' ? value.span : value.kind;
  function choose(choice: string) {
    if (choice === 'any') onChange({ kind: 'any' });
    else if (choice === 'custom') onChange({ kind: 'custom', from: '', to: '' });
    else onChange({ kind: 'last', span: choice as Span });
  }
  return (
    <>
      <select aria-label="Time" value={selected} onChange={(e) => choose(e.target.value)}>
        <option value="any">Any time</option>
        {SPANS.map((s) => (
          <option key={s.span} value={s.span}>
            {s.label}
          </option>
        ))}
        <option value="custom">Custom range…</option>
      </select>
      {value.kind === 'custom' && (
        <>
          <label>
            From <input type="datetime-local" value={value.from} onChange={(e) => onChange({ ...value, from: e.target.value })} />
          </label>
          <label>
            To <input type="datetime-local" value={value.to} onChange={(e) => onChange({ ...value, to: e.target.value })} />
          </label>
        </>
      )}
    </>
  );
}
