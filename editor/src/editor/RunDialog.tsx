import { useState } from 'react';
import { Dialog } from '../components/Dialog';

/** Run the flow by hand with an input JSON (it reaches the trigger as its payload). */
export function RunDialog({ onRun, onClose }: { onRun(input: unknown): Promise<void>; onClose(): void }) {
  const [text, setText] = useState('{\n  \n}');
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
            await onRun(input);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <label>
          Input (JSON)
          <textarea rows={8} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Run
          </button>
        </div>
      </form>
    </Dialog>
  );
}
