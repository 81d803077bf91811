/**
 * The second step of an action that cannot be undone (reject, merge): the question, a confirm and a
 * cancel button, in the page instead of window.confirm, so it is read in the page's language, can be
 * styled and tested, and takes the focus when it appears (a screen reader reads the question).
 */
import { useEffect, useRef } from 'preact/hooks';
import { t } from './strings';

export const ConfirmStep = (props: { id: string; question: string; confirm: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) => {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div class="confirm" role="group" aria-labelledby={`${props.id}-question`}>
      <p id={`${props.id}-question`}>{props.question}</p>
      <div class="row">
        <button type="button" class="danger" id={`${props.id}-confirm`} ref={button} disabled={props.busy} onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" id={`${props.id}-cancel`} onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
};

/** The form's submit button, or its confirmation once the form was checked (`confirming`). */
export const ConfirmedSubmit = (props: {
  id: string;
  label: string;
  question: string;
  confirm: string;
  confirming: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) =>
  props.confirming ? (
    <ConfirmStep id={props.id} question={props.question} confirm={props.confirm} busy={props.busy} onConfirm={props.onConfirm} onCancel={props.onCancel} />
  ) : (
    <button type="submit" class="danger" disabled={props.busy}>
      {props.label}
    </button>
  );
