import { useId, useState, type FormEvent } from 'react';
import { api, getToken, newIdempotencyKey } from '../api/client';
import type { ConferenceView as Conference, Participant } from '../api/types';
import { useAgencies } from '../agencies';
import { ErrorMessage } from '../components/error-message';
import { Field } from '../components/field';
import { useI18n } from '../i18n/i18n';

/** `2026-05-04` + `14:30` in the browser's zone → ISO instant. */
export function localToIso(date: string, time: string): string {
  return new Date(`${date}T${time || '00:00'}`).toISOString();
}

function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

export function ScheduleConferenceForm({ caseId, participants, onDone }: { caseId: string; participants: Participant[]; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const agencies = useAgencies();
  const uid = useId();
  const invitable = [...new Set(participants.map((p) => p.agencyId))];
  const [date, setDate] = useState('');
  const [time, setTime] = useState('10:00');
  const [duration, setDuration] = useState('60');
  const [location, setLocation] = useState('');
  const [invited, setInvited] = useState<string[]>(invitable);
  const { busy, error, submit } = useSubmit(async () => {
    await api.post(`/api/cases/${caseId}/conferences`, {
      scheduledAt: localToIso(date, time),
      durationMinutes: Number(duration) || 60,
      ...(location.trim() ? { location: location.trim() } : {}),
      agencyIds: invited,
    });
    setDate('');
    onDone(t('conf.scheduled'));
  });
  return (
    <form onSubmit={(e) => void submit(e)} className="stack" aria-labelledby={`${uid}-h`}>
      <h3 id={`${uid}-h`}>{t('conf.schedule')}</h3>
      <ErrorMessage error={error} />
      <div className="row">
        <Field label={t('conf.date')} required>
          {(id) => <input id={id} type="date" required value={date} onChange={(e) => setDate(e.target.value)} />}
        </Field>
        <Field label={t('conf.time')} required>
          {(id) => <input id={id} type="time" required value={time} onChange={(e) => setTime(e.target.value)} />}
        </Field>
        <Field label={t('conf.duration')}>
          {(id) => <input id={id} type="number" min={15} step={15} value={duration} onChange={(e) => setDuration(e.target.value)} />}
        </Field>
      </div>
      <Field label={t('conf.location')}>{(id) => <input id={id} value={location} onChange={(e) => setLocation(e.target.value)} />}</Field>
      <fieldset>
        <legend>{t('conf.invite')}</legend>
        {invitable.map((agencyId) => (
          <div className="field checkbox" key={agencyId}>
            <input
              id={`${uid}-inv-${agencyId}`}
              type="checkbox"
              checked={invited.includes(agencyId)}
              onChange={(e) => setInvited((all) => (e.target.checked ? [...all, agencyId] : all.filter((a) => a !== agencyId)))}
            />
            <label htmlFor={`${uid}-inv-${agencyId}`}>{agencies.name(agencyId)}</label>
          </div>
        ))}
      </fieldset>
      <div>
        <button type="submit" className="primary" disabled={busy}>
          {t('conf.submit')}
        </button>
      </div>
    </form>
  );
}

export function MoveConferenceForm({ conference, onDone }: { conference: Conference; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const [when, setWhen] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await api.patch(`/api/conferences/${conference.id}`, { scheduledAt: new Date(when).toISOString() });
    onDone(t('conf.moved'));
  });
  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <ErrorMessage error={error} />
      <div className="row">
        <Field label={t('conf.newTime')} required>
          {(id) => <input id={id} type="datetime-local" required value={when} onChange={(e) => setWhen(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          {t('conf.move')}
        </button>
      </div>
    </form>
  );
}

/** Cancels a scheduled conference: its reminders go, invitees are told, the calendar file says CANCEL. */
export function CancelConferenceForm({ conference, onDone }: { conference: Conference; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  // A retried click cancels once.
  const [key] = useState(newIdempotencyKey);
  const { busy, error, submit } = useSubmit(async () => {
    await api.post(`/api/conferences/${conference.id}/cancel`, reason.trim() ? { reason: reason.trim() } : {}, { 'Idempotency-Key': key });
    onDone(t('conf.cancelled'));
  });
  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <p className="hint">{t('conf.cancelHint')}</p>
      <ErrorMessage error={error} />
      <div className="row">
        <Field label={t('conf.cancelReason')}>{(id) => <input id={id} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />}</Field>
        <button type="submit" className="primary" disabled={busy}>
          {t('conf.cancelConfirm')}
        </button>
      </div>
    </form>
  );
}

export function AttendanceForm({ conference, agencyIds, onDone }: { conference: Conference; agencyIds: string[]; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const agencies = useAgencies();
  const uid = useId();
  const known = new Map((conference.attendance ?? []).map((a) => [a.agencyId, a]));
  const [rows, setRows] = useState(() =>
    agencyIds.map((agencyId) => ({ agencyId, attended: known.get(agencyId)?.attended ?? false, apologies: known.get(agencyId)?.apologies ?? '' })),
  );
  const { busy, error, submit } = useSubmit(async () => {
    for (const row of rows) {
      await api.post(`/api/conferences/${conference.id}/attendance`, {
        agencyId: row.agencyId,
        attended: row.attended,
        ...(row.apologies.trim() ? { apologies: row.apologies.trim() } : {}),
      });
    }
    onDone(t('conf.attendanceSaved'));
  });
  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <ErrorMessage error={error} />
      <table>
        <caption className="visually-hidden">{t('conf.attendance')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('newCase.agency')}</th>
            <th scope="col">{t('conf.attended')}</th>
            <th scope="col">{t('conf.apologies')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const name = agencies.name(row.agencyId);
            return (
              <tr key={row.agencyId}>
                <th scope="row">{name}</th>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${t('conf.attended')}: ${name}`}
                    id={`${uid}-att-${i}`}
                    checked={row.attended}
                    onChange={(e) => setRows((all) => all.map((r, j) => (j === i ? { ...r, attended: e.target.checked } : r)))}
                  />
                </td>
                <td>
                  <input
                    aria-label={`${t('conf.apologies')}: ${name}`}
                    value={row.apologies}
                    onChange={(e) => setRows((all) => all.map((r, j) => (j === i ? { ...r, apologies: e.target.value } : r)))}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div>
        <button type="submit" disabled={busy}>
          {t('conf.saveAttendance')}
        </button>
      </div>
    </form>
  );
}

interface ActionRow {
  title: string;
  agencyId: string;
  dueAt: string;
}

export function MinutesForm({ conference, agencyIds, onDone }: { conference: Conference; agencyIds: string[]; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const agencies = useAgencies();
  const uid = useId();
  const [text, setText] = useState(conference.minutes?.text ?? '');
  const [decisions, setDecisions] = useState((conference.minutes?.decisions ?? []).map((d) => (typeof d === 'string' ? d : d.text)).join('\n'));
  const [actions, setActions] = useState<ActionRow[]>([]);
  const set = (i: number, patch: Partial<ActionRow>) => setActions((all) => all.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const { busy, error, submit } = useSubmit(async () => {
    await api.post(`/api/conferences/${conference.id}/minutes`, {
      text,
      decisions: decisions
        .split('\n')
        .map((d) => d.trim())
        .filter(Boolean),
      actions: actions
        .filter((a) => a.title.trim() && a.agencyId && a.dueAt)
        .map((a) => ({ title: a.title.trim(), agencyId: a.agencyId, dueAt: localToIso(a.dueAt, '17:00') })),
    });
    setActions([]);
    onDone(t('conf.minutesSaved'));
  });
  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <ErrorMessage error={error} />
      <Field label={t('conf.minutesText')} required>
        {(id) => <textarea id={id} rows={5} required value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <Field label={t('conf.decisions')}>{(id) => <textarea id={id} rows={3} value={decisions} onChange={(e) => setDecisions(e.target.value)} />}</Field>
      <fieldset>
        <legend>{t('conf.actions')}</legend>
        {actions.map((a, i) => (
          <div className="row" role="group" aria-label={t('conf.actionN', { index: i + 1 })} key={i}>
            <div className="field">
              <label htmlFor={`${uid}-a${i}-title`}>{t('conf.actionTitle')}</label>
              <input id={`${uid}-a${i}-title`} value={a.title} required onChange={(e) => set(i, { title: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${uid}-a${i}-agency`}>{t('conf.actionAgency')}</label>
              <select id={`${uid}-a${i}-agency`} value={a.agencyId} required onChange={(e) => set(i, { agencyId: e.target.value })}>
                <option value="">{t('newCase.choose')}</option>
                {agencyIds.map((id) => (
                  <option key={id} value={id}>
                    {agencies.name(id)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${uid}-a${i}-due`}>{t('conf.actionDue')}</label>
              <input id={`${uid}-a${i}-due`} type="date" value={a.dueAt} required onChange={(e) => set(i, { dueAt: e.target.value })} />
            </div>
            <button type="button" className="secondary" aria-label={t('conf.removeAction', { index: i + 1 })} onClick={() => setActions((all) => all.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setActions((all) => [...all, { title: '', agencyId: '', dueAt: '' }])}>
          {t('conf.addAction')}
        </button>
      </fieldset>
      <div>
        <button type="submit" disabled={busy}>
          {t('conf.saveMinutes')}
        </button>
      </div>
    </form>
  );
}

/** Downloads the invitation with the bearer token (a plain link would not carry it). */
export async function downloadInvite(conference: Conference): Promise<void> {
  const response = await fetch(`/api/conferences/${conference.id}/invite.ics`, {
    headers: { Authorization: `Bearer ${getToken() ?? ''}` },
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `conference-${conference.id}.ics`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
