import { useState } from 'react';
import { Dialog } from '../components/Dialog';
import { FormFooter } from '../components/FormFooter';

/** `test`: pinned nodes emit their pins and the run does not count toward plan limits; `production`: every node runs. */
export type RunMode = 'test' | 'production';

/** Run the flow by hand with an input JSON (it reaches the trigger as its payload), as a test run or as production. */
export function RunDialog({ onRun, onClose }: { onRun(input: unknown, mode: RunMode): Promise<void>; onClose(): void }) {
  const [text, setText] = useState('{\n  \n}');
  const [mode, setMode] = useState<RunMode>('test');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title="Run the flow" onClose={onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          let input: unknown;
          try {
            input = JSON.parse(text);
          } catch (err) {
            return setError(`The input is not JSON: ${(err as Error).message}`);
          }
          try {
            await onRun(input, mode);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <label>
          Input (JSON)
          <textarea rows={8} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} />
        </label>
        <fieldset className="run-mode">
          <legend>Run as</legend>
          <label>
            <input type="radio" name="mode" value="test" checked={mode === 'test'} onChange={() => setMode('test')} />
            Test run (pinned nodes emit their pinned data)
          </label>
          <label>
            <input type="radio" name="mode" value="production" checked={mode === 'production'} onChange={() => setMode('production')} />
            Production run (every node runs)
          </label>
        </fieldset>
        <FormFooter error={error} submitLabel="Run" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
