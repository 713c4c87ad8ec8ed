import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Task } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useI18n } from '../i18n/i18n';

const OUTCOMES = ['done', 'partly', 'not_applicable'] as const;

/** Outcome and note for finishing a task; used in the inbox and on the case page. */
export function CompleteTaskForm({ task, onDone, onCancel }: { task: Pick<Task, 'id' | 'title'>; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const uid = useId();
  const [outcome, setOutcome] = useState<string>('done');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/tasks/${task.id}/complete`, { outcome, ...(note.trim() ? { note: note.trim() } : {}) });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card stack complete-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${uid}-h`}>
      <h4 id={`${uid}-h`}>{t('tasks.completeTitle', { title: task.title })}</h4>
      <ErrorMessage error={error} />
      <fieldset>
        <legend>{t('tasks.outcome')}</legend>
        {OUTCOMES.map((o) => (
          <div className="field checkbox" key={o}>
            <input id={`${uid}-${o}`} type="radio" name={`${uid}-outcome`} value={o} checked={outcome === o} onChange={() => setOutcome(o)} />
            <label htmlFor={`${uid}-${o}`}>{t(`tasks.outcome.${o}`)}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${uid}-note`}>{t('tasks.note')}</label>
        <p className="hint" id={`${uid}-note-hint`}>
          {t('tasks.noteHint')}
        </p>
        <textarea id={`${uid}-note`} rows={3} aria-describedby={`${uid}-note-hint`} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {t('tasks.confirmComplete')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
