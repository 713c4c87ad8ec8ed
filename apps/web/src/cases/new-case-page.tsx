import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { CaseDetail } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useAgencies } from '../agencies';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';
import { useSession } from '../session';
import { usePathwayOptions } from './pathway-options';
import { COMMON_ROLES, suggestedRole } from './roles';

interface Row {
  agencyId: string;
  role: string;
}

export function NewCasePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const agencies = useAgencies();
  const pathways = usePathwayOptions();
  const [name, setName] = useState('');
  const [dateOfBirth, setDateOfBirth] = useState('');
  const [leadAgencyId, setLeadAgencyId] = useState(user?.agencyId ?? '');
  const [releaseDate, setReleaseDate] = useState('');
  const [rows, setRows] = useState<Row[]>(() => [{ agencyId: user?.agencyId ?? '', role: user?.agencyId ? 'coordinator' : '' }]);
  const [pathway, setPathway] = useState('referral');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const setRow = (index: number, patch: Partial<Row>) => setRows((all) => all.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const chooseAgency = (index: number, agencyId: string) => {
    const kind = agencies.list.find((a) => a.id === agencyId)?.kind;
    setRows((all) => all.map((r, i) => (i === index ? { agencyId, role: r.role || suggestedRole(kind) } : r)));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = {
        subject: { name: name.trim(), ...(dateOfBirth ? { dateOfBirth } : {}) },
        leadAgencyId,
        participants: rows.filter((r) => r.agencyId && r.role.trim()).map((r) => ({ agencyId: r.agencyId, role: r.role.trim() })),
        ...(releaseDate ? { keyDates: { releaseDate } } : {}),
      };
      const created = await api.post<CaseDetail>('/api/cases', body);
      if (pathway) {
        // The server may start the referral pathway itself; start the chosen one only if it did not.
        const current = await api.get<CaseDetail>(`/api/cases/${created.id}`);
        if (!current.pathways?.some((p) => p.key === pathway)) await api.post(`/api/cases/${created.id}/pathways`, { key: pathway });
      }
      navigate(`/cases/${created.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title={t('newCase.title')}>{t('newCase.title')}</PageHeading>
      <ErrorMessage error={error} />
      <form onSubmit={(e) => void submit(e)} className="card stack narrow">
        <Field label={t('newCase.subjectName')} required>
          {(id) => <input id={id} required value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label={t('newCase.dateOfBirth')}>
          {(id) => <input id={id} type="date" value={dateOfBirth} onChange={(e) => setDateOfBirth(e.target.value)} />}
        </Field>
        <Field label={t('newCase.leadAgency')} required>
          {(id) => (
            <select id={id} required value={leadAgencyId} onChange={(e) => setLeadAgencyId(e.target.value)}>
              <option value="">{t('newCase.choose')}</option>
              {agencies.list.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('newCase.releaseDate')} hint={t('newCase.releaseHint')}>
          {(id, hint) => (
            <input id={id} type="date" aria-describedby={hint} value={releaseDate} onChange={(e) => setReleaseDate(e.target.value)} />
          )}
        </Field>
        <fieldset>
          <legend>{t('newCase.participants')}</legend>
          <p className="hint">{t('newCase.participantsHint')}</p>
          <datalist id="case-roles">
            {COMMON_ROLES.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
          {rows.map((row, index) => (
            <div className="row participant-row" key={index} role="group" aria-label={t('newCase.participantN', { index: index + 1 })}>
              <Field label={t('newCase.agency')}>
                {(id) => (
                  <select id={id} value={row.agencyId} onChange={(e) => chooseAgency(index, e.target.value)}>
                    <option value="">{t('newCase.choose')}</option>
                    {agencies.list.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('newCase.role')}>
                {(id) => <input id={id} list="case-roles" value={row.role} onChange={(e) => setRow(index, { role: e.target.value })} />}
              </Field>
              <button
                type="button"
                className="secondary"
                aria-label={t('newCase.removeParticipant', { index: index + 1 })}
                onClick={() => setRows((all) => all.filter((_, i) => i !== index))}
              >
                ×
              </button>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => setRows((all) => [...all, { agencyId: '', role: '' }])}>
            {t('newCase.addParticipant')}
          </button>
        </fieldset>
        <Field label={t('newCase.startPathway')}>
          {(id) => (
            <select id={id} value={pathway} onChange={(e) => setPathway(e.target.value)}>
              <option value="">{t('newCase.noPathway')}</option>
              {pathways.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {t('newCase.submit')}
        </button>
      </form>
    </>
  );
}
