import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { CaseDetail } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

/** Key dates the pathways count from; `conferenceDate` follows the conferences and is not edited here. */
const KEY_DATES = ['releaseDate', 'reviewDate', 'exitDate', 'sentenceEndDate', 'legalHold'] as const;
const FOLLOWS_CONFERENCES = 'conferenceDate';
const BASES = ['consent', 'public_task', 'substantial_public_interest', 'legal_obligation', 'vital_interests', 'none'] as const;

/** `YYYY-MM-DD` of a key date (stored as a date or a date-time), as a date input wants it. */
const dayOf = (value: string | null | undefined) => (value ? value.slice(0, 10) : '');

function KeyDatesForm({ detail, onDone, onCancel }: { detail: CaseDetail; onDone: (m: string) => void; onCancel: () => void }) {
  const { t, tx } = useI18n();
  const uid = useId();
  const current = detail.keyDates ?? {};
  const editable = [...new Set([...Object.keys(current).filter((k) => current[k] && k !== FOLLOWS_CONFERENCES), ...KEY_DATES])];
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(editable.map((k) => [k, dayOf(current[k])])));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Only what changed: an emptied date is removed (null), an untouched one stays as it is (a date-time keeps its time).
    const changes = Object.fromEntries(editable.filter((k) => values[k] !== dayOf(current[k])).map((k) => [k, values[k] ? values[k] : null]));
    if (Object.keys(changes).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/api/cases/${detail.id}`, { keyDates: changes });
      onDone(t('case.keyDatesSaved'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack header-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('case.editKeyDates')}</h2>
      <p className="hint" id={`${uid}-hint`}>
        {t('case.keyDatesMoveHint')}
      </p>
      <ErrorMessage error={error} />
      <div className="row">
        {editable.map((k) => (
          <Field key={k} label={tx('case.keyDate', k)}>
            {(id) => <input id={id} type="date" title={k} aria-describedby={`${uid}-hint`} value={values[k] ?? ''} onChange={(e) => setValues({ ...values, [k]: e.target.value })} />}
          </Field>
        ))}
      </div>
      {current[FOLLOWS_CONFERENCES] ? <p className="hint">{t('case.conferenceDateFollows')}</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {t('case.saveKeyDates')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

function LawfulBasisForm({ detail, onDone, onCancel }: { detail: CaseDetail; onDone: (m: string) => void; onCancel: () => void }) {
  const { t, tx } = useI18n();
  const uid = useId();
  const [basis, setBasis] = useState<string>(detail.lawfulBasis?.basis ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/api/cases/${detail.id}`, { lawfulBasis: { basis, ...(note.trim() ? { note: note.trim() } : {}) } });
      onDone(t('case.lawfulBasisSaved'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack header-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('case.changeLawfulBasis')}</h2>
      <ErrorMessage error={error} />
      <div className="row">
        <Field label={t('field.basis')} required>
          {(id) => (
            <select id={id} required value={basis} onChange={(e) => setBasis(e.target.value)}>
              <option value="">{t('newCase.choose')}</option>
              {BASES.map((b) => (
                <option key={b} value={b}>
                  {tx('field.basis', b)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('case.lawfulBasisNote')}>{(id) => <input id={id} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />}</Field>
      </div>
      {basis === 'none' ? <p className="hint">{t('case.noneHint')}</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy || !basis}>
          {t('case.saveLawfulBasis')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Every lawful basis recorded for the case, newest first, with who and when. */
function LawfulBasisHistory({ detail }: { detail: CaseDetail }) {
  const { t, tx, dateTime } = useI18n();
  const agencies = useAgencies();
  const history = detail.lawfulBasisHistory ?? [];
  if (history.length === 0) return null;
  return (
    <details className="basis-history">
      <summary>{t('case.lawfulBasisHistory', { count: history.length })}</summary>
      <ol className="plain list-lines">
        {history.map((h, i) => (
          <li key={`${h.recordedAt}:${i}`}>
            <strong>{tx('field.basis', h.basis)}</strong> <span className="muted">· {dateTime(h.recordedAt)}</span>
            {h.recordedAgencyId ? <span className="muted"> · {agencies.name(h.recordedAgencyId)}</span> : null}
            <span className="muted"> · {tx('case.basisSource', h.source)}</span>
            {h.note ? <p className="pre">{h.note}</p> : null}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** Downloads the subject-access export (everything Convene holds about the case) as a JSON file. */
async function downloadExport(detail: CaseDetail): Promise<void> {
  const document_ = await api.get<unknown>(`/api/cases/${detail.id}/export`);
  const url = URL.createObjectURL(new Blob([JSON.stringify(document_, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `subject-access-${detail.reference}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Who and what the case is about: person, lead, key dates, lawful basis and status, with their edits. */
export function CaseHeader({ detail: c, onChanged }: { detail: CaseDetail; onChanged: (message: string) => void }) {
  const { t, tx, date, dateTime } = useI18n();
  const { hasRole, user } = useSession();
  const agencies = useAgencies();
  const [editing, setEditing] = useState<'keyDates' | 'basis' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const manager = hasRole('case_manager');
  const keyDates = Object.entries(c.keyDates ?? {}).filter(([, v]) => v);
  const basis = c.lawfulBasis?.basis ?? null;
  const done = (message: string) => {
    setEditing(null);
    onChanged(message);
  };
  const toggle = (what: 'keyDates' | 'basis') => setEditing(editing === what ? null : what);
  const exportCase = async () => {
    setError(null);
    setExporting(true);
    try {
      await downloadExport(c);
      onChanged(t('case.exported'));
    } catch (err) {
      setError(err);
    } finally {
      setExporting(false);
    }
  };

  return (
    <header className="case-header card" aria-label={t('case.header')}>
      <div className="page-title">
        <PageHeading title={`${c.reference} · ${c.subject.name}`}>
          {c.reference} <span className="muted">· {c.subject.name}</span>
        </PageHeading>
        <span className={`tag status status-${c.status}`}>{tx('status', c.status)}</span>
      </div>
      <dl className="facts">
        <div>
          <dt>{t('case.subject')}</dt>
          <dd>
            {c.subject.name}
            {c.subject.dateOfBirth ? <span className="muted"> · {date(c.subject.dateOfBirth)}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t('case.leadAgency')}</dt>
          <dd>{agencies.name(c.leadAgencyId)}</dd>
        </div>
        <div>
          <dt>{t('case.opened')}</dt>
          <dd>{date(c.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('case.lawfulBasis')}</dt>
          <dd>
            {basis ? tx('field.basis', basis) : t('case.noLawfulBasis')}
            {c.lawfulBasis?.recordedAt ? <span className="muted"> · {t('case.since', { date: date(c.lawfulBasis.recordedAt) })}</span> : null}
          </dd>
        </div>
        {keyDates.map(([name, value]) => (
          <div key={name}>
            <dt title={name}>{tx('case.keyDate', name)}</dt>
            <dd>{name === FOLLOWS_CONFERENCES && value && value.length > 10 ? dateTime(value) : date(value)}</dd>
          </div>
        ))}
      </dl>
      {basis === 'none' ? (
        <p className="message message-warning" role="note">
          {t('case.noBasisWarning')}
          {c.notificationsWithheld?.since ? ` ${t('case.withheldSince', { date: dateTime(c.notificationsWithheld.since) })}` : null}
        </p>
      ) : null}
      <LawfulBasisHistory detail={c} />
      <ErrorMessage error={error} />
      {manager ? (
        <div className="row header-actions">
          <button type="button" className="secondary" aria-expanded={editing === 'keyDates'} onClick={() => toggle('keyDates')}>
            {t('case.editKeyDates')}
          </button>
          <button type="button" className="secondary" aria-expanded={editing === 'basis'} onClick={() => toggle('basis')}>
            {t('case.changeLawfulBasis')}
          </button>
          {/* The subject-access export is the lead agency's to give. */}
          {c.leadAgencyId === user?.agencyId ? (
            <button type="button" className="secondary" disabled={exporting} onClick={() => void exportCase()}>
              {t('case.export')}
            </button>
          ) : null}
        </div>
      ) : null}
      {editing === 'keyDates' ? <KeyDatesForm detail={c} onDone={done} onCancel={() => setEditing(null)} /> : null}
      {editing === 'basis' ? <LawfulBasisForm detail={c} onDone={done} onCancel={() => setEditing(null)} /> : null}
    </header>
  );
}
