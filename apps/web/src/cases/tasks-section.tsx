import { useState } from 'react';
import type { CaseTask, Task } from '../api/types';

/** A task on the case page (from the case detail) or in the inbox. */
type AnyTask = Task | CaseTask;
import { useAgencies } from '../agencies';
import { useI18n } from '../i18n/i18n';
import { CompleteTaskForm } from '../tasks/complete-task-form';

export function isOverdue(task: AnyTask): boolean {
  if ('overdue' in task) return !!task.overdue;
  return task.status === 'overdue' || (task.status !== 'done' && !!task.dueAt && new Date(task.dueAt).getTime() < Date.now());
}

/** The case's open tasks, grouped by the agency that has to do them. */
export function TasksSection({ tasks, onChanged }: { tasks: AnyTask[]; onChanged: (message: string) => void }) {
  const { t, tx, dateTime } = useI18n();
  const agencies = useAgencies();
  const [completing, setCompleting] = useState<string | null>(null);
  const groups = new Map<string, AnyTask[]>();
  for (const task of tasks) {
    // Tasks for a role no agency plays yet are grouped by that role.
    const key = task.assigneeAgencyId ?? `role:${task.assigneeRole ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), task]);
  }
  return (
    <section className="card" aria-labelledby="tasks-h">
      <h2 id="tasks-h">{t('case.tasks')}</h2>
      {tasks.length === 0 ? <p>{t('case.noTasks')}</p> : null}
      {[...groups.entries()].map(([agencyId, list]) => (
        <div key={agencyId} className="task-group">
          <h3>{agencyId.startsWith('role:') ? t('case.unassigned', { role: agencyId.slice(5) }) : agencies.name(agencyId)}</h3>
          <ul className="plain tasks">
            {list.map((task) => (
              <li key={task.id} className={isOverdue(task) ? 'task overdue' : 'task'}>
                <div className="task-line">
                  <span className="task-title">{task.title}</span>
                  <span className="task-due">
                    {t('case.due')}: {task.dueAt ? dateTime(task.dueAt) : t('case.noDue')}
                    {isOverdue(task) ? <strong className="overdue-text"> ({t('tasks.overdueBy')})</strong> : null}
                  </span>
                  <span className="tag">{tx('status', task.status)}</span>
                  {task.status !== 'done' ? (
                    <button type="button" className="secondary" aria-expanded={completing === task.id} onClick={() => setCompleting(completing === task.id ? null : task.id)}>
                      {t('tasks.complete')}
                      <span className="visually-hidden"> {task.title}</span>
                    </button>
                  ) : null}
                </div>
                {completing === task.id ? (
                  <CompleteTaskForm
                    task={task}
                    onCancel={() => setCompleting(null)}
                    onDone={() => {
                      setCompleting(null);
                      onChanged(t('tasks.completed', { title: task.title }));
                    }}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
