import type { ReactNode } from 'react';
import { Dialog } from './Dialog';

/**
 * "Delete …?" asked before something cannot be undone: what happens, Cancel, and one danger button.
 * What the confirmation does (and what it does on failure) stays with the caller.
 */
export function ConfirmDialog({ title, children, confirmLabel = 'Delete', onConfirm, onClose }: { title: string; children: ReactNode; confirmLabel?: string; onConfirm(): unknown; onClose(): void }) {
  return (
    <Dialog title={title} onClose={onClose}>
      <p>{children}</p>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => void onConfirm()}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
