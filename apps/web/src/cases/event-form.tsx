import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, newIdempotencyKey } from '../api/client';
import type { AllowedEvent, PathwayInstance } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { KeyValueEditor, parseValue, type KeyValue } from '../components/key-value-editor';
import { useI18n } from '../i18n/i18n';
import { hintsFor, type HintField } from './event-hints';

interface EventFormProps {
  caseId: string;
  instance: PathwayInstance;
  event: AllowedEvent;
  onDone: (title: string) => void;
  onConflict: () => void;
  onCancel: () => void;
}

/** The details for one event (known fields first, anything else as name/value pairs), then sends it. */
export function EventForm({ caseId, instance, event, onDone, onConflict, onCancel }: EventFormProps) {
  const { t, tx } = useI18n();
  const uid = useId();
  const hints = hintsFor(event.type);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [extra, setExtra] = useState<KeyValue[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One key per attempt: a network retry reuses it, a new attempt after an answer does not.
  const idempotencyKey = useRef(newIdempotencyKey());
  const title = event.title ?? event.type;

  const label = (field: HintField) => tx('field', field.name);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const data: Record<string, unknown> = {};
    for (const field of hints) {
      const value = values[field.name];
      if (value === undefined || value === '') continue;
      data[field.name] = value;
    }
    for (const row of extra) if (row.key.trim()) data[row.key.trim()] = parseValue(row.value);
    setBusy(true);
    setError(null);
    try {
      await api.post(
        `/api/cases/${caseId}/events`,
        { instanceId: instance.instanceId, type: event.type, ...(Object.keys(data).length ? { data } : {}) },
        { 'If-Match': String(instance.revision), 'Idempotency-Key': idempotencyKey.current },
      );
      idempotencyKey.current = newIdempotencyKey();
      onDone(title);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 0)) idempotencyKey.current = newIdempotencyKey();
      if (err instanceof ApiError && err.status === 409) onConflict();
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="event-form card stack" onSubmit={(e) => void submit(e)} aria-labelledby={`${uid}-title`}>
      <h4 id={`${uid}-title`}>{t('event.dataTitle', { title })}</h4>
      <ErrorMessage error={error} />
      {hints.map((field) => {
        const id = `${uid}-${field.name}`;
        const value = values[field.name];
        const set = (v: string | boolean) => setValues((all) => ({ ...all, [field.name]: v }));
        if (field.kind === 'checkbox') {
          return (
            <div className="field checkbox" key={field.name}>
              <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked)} />
              <label htmlFor={id}>{label(field)}</label>
            </div>
          );
        }
        return (
          <div className="field" key={field.name}>
            <label htmlFor={id}>
              {label(field)}
              {field.required ? <span className="required"> ({t('app.required')})</span> : null}
            </label>
            {field.kind === 'textarea' ? (
              <textarea id={id} rows={3} required={field.required} value={String(value ?? '')} onChange={(e) => set(e.target.value)} />
            ) : field.kind === 'select' ? (
              <select id={id} required={field.required} value={String(value ?? '')} onChange={(e) => set(e.target.value)}>
                <option value="">{t('event.choose')}</option>
                {(field.options ?? []).map((o) => (
                  <option key={o} value={o}>
                    {tx('field.basis', o)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                type={field.kind === 'date' ? 'date' : 'text'}
                required={field.required}
                value={String(value ?? '')}
                onChange={(e) => set(e.target.value)}
              />
            )}
          </div>
        );
      })}
      <details open={hints.length === 0 && extra.length > 0}>
        <summary>{t('event.moreFields')}</summary>
        <KeyValueEditor rows={extra} onChange={setExtra} idPrefix={`${uid}-extra`} />
      </details>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {t('event.submit')}: {title}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
