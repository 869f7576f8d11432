import { useState } from 'react';
import { Dialog } from '../components/Dialog';
import { FormFooter } from '../components/FormFooter';

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
        <FormFooter error={error} submitLabel="Run" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
