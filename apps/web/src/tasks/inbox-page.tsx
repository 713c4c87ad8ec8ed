import { useState, type KeyboardEvent } from 'react';
import { api } from '../api/client';
import type { Page, Task } from '../api/types';
import { useAgencies } from '../agencies';
import { isOverdue } from '../cases/tasks-section';
import { ErrorMessage, SuccessMessage } from '../components/error-message';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { Link, navigate, useLocation } from '../router';
import { useApi } from '../api/queries';
import { CompleteTaskForm } from './complete-task-form';

const TABS = ['open', 'overdue', 'done'] as const;
type Tab = (typeof TABS)[number];

export function InboxPage() {
  const { t, tx, dateTime } = useI18n();
  const agencies = useAgencies();
  const { search } = useLocation();
  const tab: Tab = (TABS as readonly string[]).includes(search.get('tab') ?? '') ? (search.get('tab') as Tab) : 'open';
  const tasks = useApi(['tasks', tab], () => api.get<Page<Task>>(`/api/tasks?status=${tab}`));
  const [completing, setCompleting] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const items = [...(tasks.data?.items ?? [])].sort((a, b) => (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9'));
  const acknowledge = async (task: Task) => {
    setError(null);
    try {
      await api.post(`/api/tasks/${task.id}/acknowledge`);
      setMessage(t('tasks.acknowledged'));
      await tasks.reload();
    } catch (e) {
      setError(e);
    }
  };
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const next = e.key === 'ArrowRight' ? index + 1 : e.key === 'ArrowLeft' ? index - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const target = TABS[(next + TABS.length) % TABS.length];
    navigate(`/inbox?tab=${target}`);
    document.getElementById(`tab-${target}`)?.focus();
  };

  return (
    <>
      <PageHeading title={t('tasks.title')}>{t('tasks.title')}</PageHeading>
      <div role="tablist" aria-label={t('tasks.tabs')} className="tabs">
        {TABS.map((name, i) => (
          <button
            key={name}
            id={`tab-${name}`}
            role="tab"
            type="button"
            aria-selected={tab === name}
            aria-controls="inbox-panel"
            tabIndex={tab === name ? 0 : -1}
            onClick={() => navigate(`/inbox?tab=${name}`)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t(`tasks.tab.${name}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="inbox-panel" aria-labelledby={`tab-${tab}`} tabIndex={0}>
        <SuccessMessage text={message} />
        <ErrorMessage error={error ?? tasks.error} />
        {tasks.loading && !tasks.data ? <p>{t('app.loading')}</p> : null}
        {tasks.data && items.length === 0 ? <p>{t('tasks.empty')}</p> : null}
        <ul className="plain inbox">
          {items.map((task) => (
            <li key={task.id} className={isOverdue(task) ? 'card task overdue' : 'card task'}>
              <div className="task-line">
                <h2 className="task-title">{task.title}</h2>
                <span className="tag">{tx('status', task.status)}</span>
              </div>
              <dl className="facts">
                <div>
                  <dt>{t('tasks.case')}</dt>
                  <dd>
                    <Link to={`/cases/${task.caseId}`}>{task.caseReference ?? task.caseId}</Link>
                  </dd>
                </div>
                <div>
                  <dt>{t('case.due')}</dt>
                  <dd>
                    {task.dueAt ? dateTime(task.dueAt) : t('case.noDue')}
                    {isOverdue(task) ? <strong className="overdue-text"> ({t('tasks.overdueBy')})</strong> : null}
                  </dd>
                </div>
                <div>
                  <dt>{t('newCase.agency')}</dt>
                  <dd>{agencies.name(task.assigneeAgencyId)}</dd>
                </div>
                {task.outcome ? (
                  <div>
                    <dt>{t('tasks.outcome')}</dt>
                    <dd>{tx('tasks.outcome', task.outcome)}</dd>
                  </div>
                ) : null}
              </dl>
              {task.status !== 'done' ? (
                <div className="row">
                  {task.acknowledgedAt ? (
                    <span className="tag">{t('tasks.acknowledged')}</span>
                  ) : (
                    <button type="button" className="secondary" onClick={() => void acknowledge(task)}>
                      {t('tasks.acknowledge')}
                      <span className="visually-hidden"> {task.title}</span>
                    </button>
                  )}
                  <button type="button" className="primary" aria-expanded={completing === task.id} onClick={() => setCompleting(completing === task.id ? null : task.id)}>
                    {t('tasks.complete')}
                    <span className="visually-hidden"> {task.title}</span>
                  </button>
                </div>
              ) : null}
              {completing === task.id ? (
                <CompleteTaskForm
                  task={task}
                  onCancel={() => setCompleting(null)}
                  onDone={() => {
                    setCompleting(null);
                    setMessage(t('tasks.completed', { title: task.title }));
                    void tasks.reload();
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}
