import { useId, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

interface FieldProps {
  label: string;
  hint?: string;
  required?: boolean;
  className?: string;
  /** Renders the control with the id its label points to and the id of its hint. */
  children: (id: string, describedBy: string | undefined) => ReactNode;
}

/** A labelled form control with an optional hint, the label always tied to the control. */
export function Field({ label, hint, required, className, children }: FieldProps) {
  const { t } = useI18n();
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span className="required"> ({t('app.required')})</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {children(id, hintId)}
    </div>
  );
}
