import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { CaseDetail, Page, Reminder, Task, TimelineItem } from '../api/types';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useAgencies } from '../agencies';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { useResource } from '../use-resource';
import { ConferencesSection } from './conferences-section';
import { ParticipantsSection } from './participants-section';
import { PathwayPanel } from './pathway-panel';
import { usePathwayOptions } from './pathway-options';
import { TasksSection } from './tasks-section';
import { RemindersSection, TimelineSection } from './timeline-section';

const optional = <T,>(load: Promise<Page<T>>): Promise<T[]> => load.then((p) => p.items ?? []).catch(() => []);

function StartPathwayForm({ caseId, running, onDone }: { caseId: string; running: string[]; onDone: (m: string) => void }) {
  const { t } = useI18n();
  const options = usePathwayOptions().filter((p) => !running.includes(p.key));
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post(`/api/cases/${caseId}/pathways`, { key });
      onDone(t('app.saved'));
    } catch (err) {
      setError(err);
    }
  };
  if (options.length === 0) return null;
  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <ErrorMessage error={error} />
      <div className="row">
        <Field label={t('case.startPathway')}>
          {(id) => (
            <select id={id} required value={key} onChange={(e) => setKey(e.target.value)}>
              <option value="">{t('newCase.choose')}</option>
              {options.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">{t('case.start')}</button>
      </div>
    </form>
  );
}

export function CasePage({ id }: { id: string }) {
  const { t, tx, date } = useI18n();
  const { hasRole } = useSession();
  const agencies = useAgencies();
  const [message, setMessage] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const detail = useResource(() => api.get<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`), id);
  const extras = useResource(
    async () => {
      const [timeline, reminders, tasks] = await Promise.all([
        optional(api.get<Page<TimelineItem>>(`/api/cases/${encodeURIComponent(id)}/timeline`)),
        optional(api.get<Page<Reminder>>(`/api/cases/${encodeURIComponent(id)}/reminders`)),
        optional(api.get<Page<Task>>(`/api/tasks?caseId=${encodeURIComponent(id)}&status=open`)),
      ]);
      return { timeline, reminders, tasks };
    },
    id,
  );

  const changed = (text: string) => {
    setConflict(false);
    setMessage(text);
    void detail.reload();
    void extras.reload();
  };
  const onConflict = () => {
    setConflict(true);
    void detail.reload();
  };

  const c = detail.data;
  if (!c) {
    return (
      <>
        <PageHeading title={t('nav.cases')}>{t('nav.cases')}</PageHeading>
        <ErrorMessage error={detail.error} />
        {detail.loading ? <p>{t('app.loading')}</p> : null}
      </>
    );
  }
  const tasks = c.tasks ?? extras.data?.tasks ?? [];
  const keyDates = Object.entries(c.keyDates ?? {}).filter(([, v]) => v);

  return (
    <>
      <div className="page-title">
        <PageHeading title={`${c.reference} · ${c.subject.name}`}>
          {c.reference} <span className="muted">· {c.subject.name}</span>
        </PageHeading>
        <span className="tag status">{tx('status', c.status)}</span>
      </div>
      <SuccessMessage text={message} />
      {conflict ? (
        <p className="message message-warning" role="alert">
          {t('error.conflict')}
        </p>
      ) : null}
      <dl className="facts card">
        <div>
          <dt>{t('case.subject')}</dt>
          <dd>{c.subject.name}</dd>
        </div>
        {c.subject.dateOfBirth ? (
          <div>
            <dt>{t('case.dateOfBirth')}</dt>
            <dd>{date(c.subject.dateOfBirth)}</dd>
          </div>
        ) : null}
        {c.leadAgencyId ? (
          <div>
            <dt>{t('newCase.leadAgency')}</dt>
            <dd>{agencies.name(c.leadAgencyId)}</dd>
          </div>
        ) : null}
        {keyDates.map(([name, value]) => (
          <div key={name}>
            <dt>{tx('case.keyDate', name)}</dt>
            <dd>{date(value)}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="pathways-h">
        <h2 id="pathways-h">{t('case.pathways')}</h2>
        {c.pathways.length === 0 ? <p>{t('case.noPathways')}</p> : null}
        {c.pathways.map((p) => (
          <PathwayPanel key={p.instanceId} caseId={c.id} instance={p} onChanged={changed} onConflict={onConflict} />
        ))}
        {hasRole('case_manager') ? <StartPathwayForm caseId={c.id} running={c.pathways.filter((p) => p.status === 'active').map((p) => p.key)} onDone={changed} /> : null}
      </section>

      <div className="columns">
        <TasksSection tasks={tasks} onChanged={changed} />
        <ParticipantsSection detail={c} onChanged={changed} />
      </div>
      <ConferencesSection detail={c} onChanged={changed} />
      <div className="columns">
        <TimelineSection items={extras.data?.timeline ?? []} />
        <RemindersSection items={extras.data?.reminders ?? []} />
      </div>
    </>
  );
}
