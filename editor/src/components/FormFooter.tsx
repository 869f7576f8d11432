/** The end of a dialog's form: its error (if any), Cancel, and the submit button. */
export function FormFooter({ error, submitLabel, onCancel }: { error: string | null; submitLabel: string; onCancel(): void }) {
  return (
    <>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary">
          {submitLabel}
        </button>
      </div>
    </>
  );
}
