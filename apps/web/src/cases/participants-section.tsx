import { useState, type FormEvent } from 'react';
import { api, request } from '../api/client';
import type { CaseDetail, ParticipantRemoved } from '../api/types';
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
  const [removing, setRemoving] = useState<string | null>(null);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const manager = hasRole('case_manager');

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

  /** Takes the agency off the case: it loses access; its open tasks go to another agency in the role, or are cancelled. */
  const remove = async (agencyId: string, name: string) => {
    setBusy(true);
    setRemoveError(null);
    try {
      const result = await request<ParticipantRemoved>('DELETE', `/api/cases/${detail.id}/participants/${agencyId}`);
      setRemoving(null);
      onChanged(t('case.participantRemoved', { agency: name, reassigned: result.reassigned, cancelled: result.cancelled }));
    } catch (err) {
      setRemoveError(err);
    } finally {
      setBusy(false);
    }
  };
  // An agency may play several roles: it is listed once, with its roles, and removed as a whole.
  const byAgency = new Map<string, { name: string; roles: string[] }>();
  for (const p of detail.participants) {
    const entry = byAgency.get(p.agencyId) ?? { name: p.agencyName ?? agencies.name(p.agencyId), roles: [] };
    entry.roles.push(p.role);
    byAgency.set(p.agencyId, entry);
  }

  return (
    <section className="card" aria-labelledby="participants-h">
      <h2 id="participants-h">{t('case.participants')}</h2>
      <ul className="plain participants">
        {[...byAgency.entries()].map(([agencyId, { name, roles }]) => (
          <li key={agencyId}>
            <strong>{name}</strong> — {roles.join(', ')}
            {agencyId === detail.leadAgencyId ? <span className="tag">{t('case.lead')}</span> : null}
            {manager && agencyId !== detail.leadAgencyId ? (
              removing === agencyId ? (
                <span className="confirm" role="group" aria-label={t('case.removeParticipant', { agency: name })}>
                  <span>{t('case.removeConfirm', { agency: name })}</span>
                  <button type="button" className="primary" disabled={busy} onClick={() => void remove(agencyId, name)}>
                    {t('case.removeParticipant', { agency: name })}
                  </button>
                  <button type="button" className="secondary" onClick={() => setRemoving(null)}>
                    {t('app.cancel')}
                  </button>
                </span>
              ) : (
                <button type="button" className="link-button" onClick={() => setRemoving(agencyId)}>
                  {t('case.remove')}
                  <span className="visually-hidden"> {name}</span>
                </button>
              )
            ) : null}
          </li>
        ))}
      </ul>
      <ErrorMessage error={removeError} />
      {manager ? (
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
