import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { CaseDetail } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { COMMON_ROLES, suggestedRole } from './roles';

export function ParticipantsSection({ detail, onChanged }: { detail: CaseDetail; onChanged: (message: string) => void }) {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const agencies = useAgencies();
  const [agencyId, setAgencyId] = useState('');
  const [role, setRole] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/cases/${detail.id}/participants`, { agencyId, role: role.trim() });
      setAgencyId('');
      setRole('');
      onChanged(t('case.participantAdded'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="participants-h">
      <h2 id="participants-h">{t('case.participants')}</h2>
      <ul className="plain participants">
        {detail.participants.map((p, i) => (
          <li key={`${p.agencyId}:${p.role}:${i}`}>
            <strong>{p.agencyName ?? agencies.name(p.agencyId)}</strong> — {p.role}
            {p.agencyId === detail.leadAgencyId ? <span className="tag">{t('case.lead')}</span> : null}
          </li>
        ))}
      </ul>
      {hasRole('case_manager') ? (
        <form onSubmit={(e) => void add(e)} className="stack">
          <h3>{t('case.addParticipant')}</h3>
          <ErrorMessage error={error} />
          <div className="row">
            <Field label={t('newCase.agency')} required>
              {(id) => (
                <select
                  id={id}
                  required
                  value={agencyId}
                  onChange={(e) => {
                    setAgencyId(e.target.value);
                    if (!role) setRole(suggestedRole(agencies.list.find((a) => a.id === e.target.value)?.kind));
                  }}
                >
                  <option value="">{t('newCase.choose')}</option>
                  {agencies.list.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('newCase.role')} required>
              {(id) => (
                <>
                  <input id={id} required list="participant-roles" value={role} onChange={(e) => setRole(e.target.value)} />
                  <datalist id="participant-roles">
                    {COMMON_ROLES.map((r) => (
                      <option key={r} value={r} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <button type="submit" disabled={busy}>
              {t('case.addParticipant')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
