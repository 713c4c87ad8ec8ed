import { useId, useState, type FormEvent } from 'react';
import { api, newIdempotencyKey } from '../api/client';
import type { CaseDetail, CaseNote, CaseNoteList } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { useApi } from '../api/queries';

/**
 * The case's notes the user's agency may see, newest first, and a form to add one. A note may be
 * restricted to some participating agencies (the author's own always sees it): for every other
 * agency it does not exist, so the list says plainly to whom each restricted note is shown.
 */
export function NotesSection({ detail, onChanged }: { detail: CaseDetail; onChanged: (message: string) => void }) {
  const { t, dateTime } = useI18n();
  const { user } = useSession();
  const agencies = useAgencies();
  const uid = useId();
  const notes = useApi(['case', detail.id, 'notes'], () => api.get<CaseNoteList>(`/api/cases/${detail.id}/notes?limit=200`).then((l) => l.items));
  const [text, setText] = useState('');
  const [restrict, setRestrict] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One request per note, even when the click is retried.
  const [key, setKey] = useState(newIdempotencyKey);

  const nameOf = (id: string) => detail.participants.find((p) => p.agencyId === id)?.agencyName ?? agencies.name(id);
  // Each agency once (an agency may play several roles); the user's own agency always sees its notes.
  const others = [...new Map(detail.participants.filter((p) => p.agencyId !== user?.agencyId).map((p) => [p.agencyId, p.agencyName])).entries()];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (restrict && chosen.length === 0) {
      setError(new Error(t('notes.chooseAgency')));
      return;
    }
    setBusy(true);
    try {
      await api.post(`/api/cases/${detail.id}/notes`, { text: text.trim(), ...(restrict ? { restrictedTo: chosen } : {}) }, { 'Idempotency-Key': key });
      setText('');
      setRestrict(false);
      setChosen([]);
      setKey(newIdempotencyKey());
      await notes.reload();
      onChanged(t('notes.added'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const items: CaseNote[] = notes.data ?? [];
  return (
    <section className="card" aria-labelledby="notes-h">
      <h2 id="notes-h">{t('notes.title')}</h2>
      <ErrorMessage error={notes.error} />
      {notes.loading ? <p>{t('app.loading')}</p> : null}
      {notes.data && items.length === 0 ? <p>{t('notes.none')}</p> : null}
      <ul className="plain notes">
        {items.map((n) => (
          <li key={n.id} className={n.restrictedTo ? 'note restricted' : 'note'}>
            <p className="note-meta">
              <strong>{n.authorName ?? t('notes.unknownAuthor')}</strong>
              {n.authorAgencyId ? <span> · {nameOf(n.authorAgencyId)}</span> : null}
              <span className="muted"> · {dateTime(n.createdAt)}</span>
            </p>
            <p className="pre">{n.text}</p>
            {n.restrictedTo ? (
              <p className="note-restriction">
                <span className="tag tag-restricted">{t('notes.restricted')}</span> {t('notes.onlyFor', { agencies: n.restrictedTo.map(nameOf).join(', ') })}
              </p>
            ) : (
              <p className="muted note-restriction">{t('notes.everyone')}</p>
            )}
          </li>
        ))}
      </ul>

      <form onSubmit={(e) => void submit(e)} className="stack" aria-labelledby={`${uid}-add`}>
        <h3 id={`${uid}-add`}>{t('notes.add')}</h3>
        <ErrorMessage error={error} />
        <Field label={t('notes.text')} hint={t('tasks.noteHint')} required>
          {(id, hint) => <textarea id={id} aria-describedby={hint} required maxLength={10_000} rows={4} value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <div className="field checkbox">
          <input id={`${uid}-restrict`} type="checkbox" checked={restrict} onChange={(e) => setRestrict(e.target.checked)} />
          <label htmlFor={`${uid}-restrict`}>{t('notes.restrict')}</label>
        </div>
        {restrict ? (
          <fieldset>
            <legend>{t('notes.restrictTo')}</legend>
            <p className="hint">{t('notes.restrictHint')}</p>
            {others.length === 0 ? <p>{t('notes.noOtherAgency')}</p> : null}
            {others.map(([agencyId, agencyName]) => (
              <div className="field checkbox" key={agencyId}>
                <input
                  id={`${uid}-a-${agencyId}`}
                  type="checkbox"
                  checked={chosen.includes(agencyId)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, agencyId] : chosen.filter((x) => x !== agencyId))}
                />
                <label htmlFor={`${uid}-a-${agencyId}`}>{agencyName}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
        <p>
          <button type="submit" className="primary" disabled={busy || !text.trim()}>
            {t('notes.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}
