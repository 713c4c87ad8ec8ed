import { useState } from 'react';
import type { Reminder, TimelineItem } from '../api/types';
import { useAgencies } from '../agencies';
import { describeState } from '../components/diagram';
import { Field } from '../components/field';
import { useI18n } from '../i18n/i18n';

const PAGE = 25;

// Timeline entries differ by kind; show the fields that say what happened, whatever the kind.
function summary(item: TimelineItem): string {
  const parts: string[] = [];
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') return describeState(v);
    const scalar: unknown = v;
    return v === undefined ? '' : String(scalar);
  };
  for (const field of ['title', 'event', 'type', 'pathway', 'key']) {
    const v = item[field];
    if (typeof v === 'string' && v && !parts.includes(v)) parts.push(v);
  }
  if (item.from !== undefined || item.to !== undefined) parts.push(`${text(item.from)} → ${text(item.to)}`);
  else if (item.state !== undefined) parts.push(text(item.state));
  if (typeof item.detail === 'string') parts.push(item.detail);
  return parts.join(' · ');
}

/** `YYYY-MM-DD` of an instant in the user's time zone: the day an entry is grouped under. */
function localDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** What happened on the case, newest first, grouped by day, filterable by kind, a page at a time. */
export function TimelineSection({ items }: { items: TimelineItem[] }) {
  const { t, tx, date, intlLocale, number } = useI18n();
  const [kind, setKind] = useState('');
  const [page, setPage] = useState(0);
  const kinds = [...new Set(items.map((i) => i.kind))].sort();
  const shown = kind ? items.filter((i) => i.kind === kind) : items;
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const current = Math.min(page, pages - 1);
  const slice = shown.slice(current * PAGE, current * PAGE + PAGE);
  const days = new Map<string, TimelineItem[]>();
  for (const item of slice) days.set(localDay(item.at), [...(days.get(localDay(item.at)) ?? []), item]);
  const time = new Intl.DateTimeFormat(intlLocale, { timeStyle: 'short' });
  return (
    <section className="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t('case.timeline')}</h2>
      {items.length === 0 ? (
        <p>{t('case.noTimeline')}</p>
      ) : (
        <>
          <div className="row">
            <Field label={t('timeline.filter')}>
              {(id) => (
                <select
                  id={id}
                  value={kind}
                  onChange={(e) => {
                    setKind(e.target.value);
                    setPage(0);
                  }}
                >
                  <option value="">{t('timeline.allKinds')}</option>
                  {kinds.map((k) => (
                    <option key={k} value={k}>
                      {tx('timeline.kind', k)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <p className="muted">{t('timeline.count', { count: number(shown.length) })}</p>
          </div>
          {[...days.entries()].map(([day, entries]) => (
            <section key={day} className="timeline-day" aria-label={date(`${day}T12:00:00`)}>
              <h3>
                <time dateTime={day}>{date(`${day}T12:00:00`)}</time>
              </h3>
              <ol className="timeline">
                {entries.map((item, i) => (
                  <li key={`${item.at}-${i}`}>
                    <time dateTime={item.at}>{time.format(new Date(item.at))}</time> <span className="tag">{tx('timeline.kind', item.kind)}</span> {summary(item)}
                  </li>
                ))}
              </ol>
            </section>
          ))}
          {pages > 1 ? (
            <nav className="row pager" aria-label={t('case.timeline')}>
              <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
                {t('app.previous')}
              </button>
              <span>{t('app.page', { page: current + 1, pages })}</span>
              <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
                {t('app.next')}
              </button>
            </nav>
          ) : null}
        </>
      )}
    </section>
  );
}

export function RemindersSection({ items }: { items: Reminder[] }) {
  const { t, tx, dateTime } = useI18n();
  const agencies = useAgencies();
  return (
    <section className="card" aria-labelledby="reminders-h">
      <h2 id="reminders-h">{t('case.reminders')}</h2>
      {items.length === 0 ? (
        <p>{t('case.noReminders')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('case.reminderDue')}</th>
                <th scope="col">{t('case.reminderKind')}</th>
                <th scope="col">{t('case.reminderAgency')}</th>
                <th scope="col">{t('case.reminderStatus')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>{dateTime(r.dueAt)}</td>
                  <td title={r.why}>{r.title || tx('timeline.kind', r.kind)}</td>
                  <td>{r.agencyId ? agencies.name(r.agencyId) : '—'}</td>
                  <td>{tx('status', r.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
