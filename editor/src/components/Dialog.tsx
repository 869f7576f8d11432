import { useEffect, useRef, type ReactNode } from 'react';
import { trapTab, useReturnFocus } from './focus-trap';

/**
 * A modal dialog: the native <dialog> (the page behind is inert, Escape closes), with Tab kept inside it and
 * the focus given back, on closing, to what had it before (the button that opened it).
 */
export function Dialog({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useReturnFocus();
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    const onKey = (e: KeyboardEvent) => trapTab(e, dialog);
    dialog.addEventListener('keydown', onKey);
    return () => {
      dialog.removeEventListener('keydown', onKey);
      dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-label={title} aria-modal="true" onClose={onClose} onCancel={onClose}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}
