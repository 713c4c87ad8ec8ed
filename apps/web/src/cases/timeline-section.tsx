import type { Reminder, TimelineItem } from '../api/types';
import { useAgencies } from '../agencies';
import { describeState } from '../components/diagram';
import { useI18n } from '../i18n/i18n';

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

export function TimelineSection({ items }: { items: TimelineItem[] }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t('case.timeline')}</h2>
      {items.length === 0 ? (
        <p>{t('case.noTimeline')}</p>
      ) : (
        <ol className="timeline">
          {items.map((item, i) => (
            <li key={i}>
              <time dateTime={item.at}>{dateTime(item.at)}</time> <span className="tag">{item.kind.replace(/_/g, ' ')}</span> {summary(item)}
            </li>
          ))}
        </ol>
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
                  <td>{r.kind.replace(/_/g, ' ')}</td>
                  <td>{agencies.name(r.agencyId)}</td>
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
