import { useEffect, useRef, type ReactNode } from 'react';
import { trapTab } from './focus-trap';

/**
 * A modal dialog: the native <dialog> (the page behind is inert, Escape closes), with Tab kept inside it and
 * the focus given back, on closing, to what had it before (the button that opened it).
 */
export function Dialog({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const onKey = (e: KeyboardEvent) => trapTab(e, dialog);
    dialog.addEventListener('keydown', onKey);
    return () => {
      dialog.removeEventListener('keydown', onKey);
      dialog.close();
      // After React has removed the dialog: the opener may be gone too (a deleted row), then nothing to return to.
      requestAnimationFrame(() => {
        const lost = !document.activeElement || document.activeElement === document.body;
        if (lost && opener?.isConnected && !document.querySelector('dialog[open]')) opener.focus();
      });
    };
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-label={title} aria-modal="true" onClose={onClose} onCancel={onClose}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}
