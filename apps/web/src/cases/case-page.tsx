import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { CaseDetail, ErasedCase, Page, Reminder, TimelineItem } from '../api/types';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { Field } from '../components/field';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';
import { useApi, useInvalidate } from '../api/queries';
import { Tabs } from '../components/tabs';
import { useSearchParams } from '../router';
import { CaseHeader } from './case-header';
import { ConferencesSection } from './conferences-section';
import { ErasedCasePage } from './erased-case';
import { NotesSection } from './notes-section';
import { ParticipantsSection } from './participants-section';
import { PathwayPanel } from './pathway-panel';
import { usePathwayOptions } from './pathway-options';
import { TasksSection } from './tasks-section';
import { RemindersSection, TimelineSection } from './timeline-section';

/** An erased case answers its reference and when it was erased, nothing else. */
const isErased = (c: CaseDetail | ErasedCase): c is ErasedCase => c.status === 'erased';

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

const TABS = ['tasks', 'conferences', 'notes', 'agencies', 'timeline', 'reminders'] as const;
type Tab = (typeof TABS)[number];

/** The case as it is worked: who and what (header), where each pathway stands and what can happen next, then tabs. */
export function CasePage({ id }: { id: string }) {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const invalidate = useInvalidate();
  const [params, setParams] = useSearchParams();
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'tasks';
  const [message, setMessage] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const path = `/api/cases/${encodeURIComponent(id)}`;
  const detail = useApi(['case', id], () => api.get<CaseDetail | ErasedCase>(path));
  const timeline = useApi(['case', id, 'timeline'], () => optional(api.get<Page<TimelineItem>>(`${path}/timeline?limit=1000`)), { enabled: tab === 'timeline' });
  const reminders = useApi(['case', id, 'reminders'], () => optional(api.get<Page<Reminder>>(`${path}/reminders`)), { enabled: tab === 'reminders' });

  const changed = (text: string) => {
    setConflict(false);
    setMessage(text);
    void invalidate('case', 'cases', 'tasks', 'dashboard');
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
  if (isErased(c)) return <ErasedCasePage erased={c} />;
  const tasks = c.tasks ?? [];
  const upcoming = (c.conferences ?? []).filter((f) => f.status === 'scheduled').length;

  return (
    <>
      <CaseHeader detail={c} onChanged={changed} />
      <SuccessMessage text={message} />
      {conflict ? (
        <p className="message message-warning" role="alert">
          {t('error.conflict')}
        </p>
      ) : null}

      <section aria-labelledby="pathways-h">
        <h2 id="pathways-h">{t('case.pathways')}</h2>
        {c.pathways.length === 0 ? <p>{t('case.noPathways')}</p> : null}
        {c.pathways.map((p) => (
          <PathwayPanel key={p.instanceId} caseId={c.id} instance={p} onChanged={changed} onConflict={onConflict} />
        ))}
        {hasRole('case_manager') ? <StartPathwayForm caseId={c.id} running={c.pathways.filter((p) => p.status === 'active').map((p) => p.key)} onDone={changed} /> : null}
      </section>

      <Tabs
        label={t('case.sections')}
        selected={tab}
        onSelect={(next) => setParams(next === 'tasks' ? {} : { tab: next }, { replace: true })}
        tabs={[
          { id: 'tasks', label: t('case.tab.tasks'), count: tasks.length },
          { id: 'conferences', label: t('case.tab.conferences'), count: upcoming },
          { id: 'notes', label: t('case.tab.notes') },
          { id: 'agencies', label: t('case.tab.agencies'), count: c.participants.length },
          { id: 'timeline', label: t('case.tab.timeline') },
          { id: 'reminders', label: t('case.tab.reminders') },
        ]}
      >
        {tab === 'tasks' ? <TasksSection tasks={tasks} onChanged={changed} /> : null}
        {tab === 'conferences' ? <ConferencesSection detail={c} onChanged={changed} /> : null}
        {tab === 'notes' ? <NotesSection detail={c} onChanged={changed} /> : null}
        {tab === 'agencies' ? <ParticipantsSection detail={c} onChanged={changed} /> : null}
        {tab === 'timeline' ? timeline.data ? <TimelineSection items={timeline.data} /> : <p>{t('app.loading')}</p> : null}
        {tab === 'reminders' ? reminders.data ? <RemindersSection items={reminders.data} /> : <p>{t('app.loading')}</p> : null}
      </Tabs>
    </>
  );
}
