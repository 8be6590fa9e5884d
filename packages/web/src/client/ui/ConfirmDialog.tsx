// A confirmation before something that cannot be undone (end the meeting, remove a participant).
// The native <dialog> opened with showModal() gives what a modal needs without our own code: the
// rest of the page is inert, Escape cancels, the focus moves in and comes back afterwards. A click
// on the backdrop lands on the <dialog> element itself and cancels too.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n';

export interface ConfirmDialogProps {
  title: string;
  body: ComponentChildren;
  confirmLabel: string;
  confirmTestId: string;
  onConfirm: () => void;
  onCancel: () => void;
}

let nextTitleId = 0;

export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`confirm-title-${++nextTitleId}`).current;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard's way out is Escape (the native cancel event)
    <dialog
      ref={ref}
      class="dialog"
      role="alertdialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault(); // the parent unmounts us; closing here too would run the effect's close twice
        props.onCancel();
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) props.onCancel();
      }}
    >
      {/* The padding lives on this inner box: a click on the dialog's own padding would read as the backdrop. */}
      <div class="dialog-body">
        <h3 id={titleId}>{props.title}</h3>
        <p>{props.body}</p>
        <div class="dialog-buttons">
          {/* biome-ignore lint/a11y/noAutofocus: the dialog's safe choice takes the focus, so Escape and Enter work */}
          <button type="button" class="button secondary" autoFocus onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" class="button danger" data-testid={props.confirmTestId} onClick={props.onConfirm}>
            {props.confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}
