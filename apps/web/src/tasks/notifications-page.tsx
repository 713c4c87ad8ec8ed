import { api } from '../api/client';
import type { Notification, Page } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { PageHeading } from '../components/page-heading';
import { useI18n } from '../i18n/i18n';
import { NOTIFICATIONS_CHANGED } from '../layout';
import { Link, navigate, useLocation } from '../router';
import { useApi } from '../api/queries';

/** Links in notifications are absolute (they also go out by email); keep in-app ones in the app. */
function inAppPath(n: Notification): string | null {
  if (n.link) {
    try {
      const url = new URL(n.link, window.location.origin);
      if (url.pathname.startsWith('/cases/') || url.pathname.startsWith('/inbox')) return url.pathname + url.search;
    } catch {
      // not a URL: fall back to the case
    }
  }
  return n.caseId ? `/cases/${n.caseId}` : null;
}

const URGENCY: Record<string, number> = { escalation: 0, overdue: 1, reminder: 2, task_assigned: 3, conference_changed: 4, conference_invitation: 5 };

/** Unread before read; then escalations, overdue notices, reminders…; then the soonest due; then the newest. */
function byUrgency(a: Notification, b: Notification): number {
  return (
    Number(Boolean(a.readAt)) - Number(Boolean(b.readAt)) ||
    (URGENCY[a.kind] ?? 9) - (URGENCY[b.kind] ?? 9) ||
    (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9') ||
    b.createdAt.localeCompare(a.createdAt)
  );
}

export function NotificationsPage() {
  const { t, dateTime } = useI18n();
  const { search } = useLocation();
  const unreadOnly = search.get('unread') === 'true';
  const list = useApi(
    ['notifications', unreadOnly],
    () => api.get<Page<Notification> & { unread?: number; unreadCapped?: boolean }>(`/api/notifications${unreadOnly ? '?unread=true' : ''}`),
  );
  const markRead = async (n: Notification) => {
    await api.post(`/api/notifications/${n.id}/read`);
    window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    await list.reload();
  };
  const readAll = async () => {
    await api.post('/api/notifications/read-all');
    window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    await list.reload();
  };
  const items = [...(list.data?.items ?? [])].sort(byUrgency);
  return (
    <>
      <PageHeading title={t('notifications.title')}>{t('notifications.title')}</PageHeading>
      <div className="field checkbox">
        <input id="unread-only" type="checkbox" checked={unreadOnly} onChange={(e) => navigate(e.target.checked ? '/notifications?unread=true' : '/notifications')} />
        <label htmlFor="unread-only">{t('notifications.unreadOnly')}</label>
      </div>
      {list.data?.unread !== undefined ? (
        <div className="row">
          <p>{t('notifications.unreadCount', { count: list.data.unreadCapped ? `${list.data.unread}+` : list.data.unread })}</p>
          {list.data.unread > 0 ? (
            <button type="button" className="secondary" onClick={() => void readAll()}>
              {t('notifications.markAllRead')}
            </button>
          ) : null}
        </div>
      ) : null}
      <ErrorMessage error={list.error} />
      {list.data && items.length === 0 ? <p>{t('notifications.empty')}</p> : null}
      <ul className="plain notifications">
        {items.map((n) => {
          const to = inAppPath(n);
          return (
            <li key={n.id} className={n.readAt ? 'card' : 'card unread'}>
              <p>
                <strong>{n.title}</strong> <span className="tag">{n.kind.replace(/_/g, ' ')}</span>
              </p>
              <p className="muted">
                <time dateTime={n.createdAt}>{dateTime(n.createdAt)}</time>
                {n.caseReference ? (
                  <>
                    {' · '}
                    {t('notifications.case')} <strong>{n.caseReference}</strong>
                  </>
                ) : null}
                {n.dueAt ? <> · {t('notifications.due', { when: dateTime(n.dueAt) })}</> : null}
              </p>
              {n.why ? (
                <p className="why">
                  <span className="why-label">{t('notifications.why')}:</span> {n.why}
                </p>
              ) : null}
              <div className="row">
                {to ? (
                  <Link to={to} onClick={() => !n.readAt && void markRead(n)}>
                    {n.caseReference && to.startsWith('/cases/') ? t('notifications.openCase', { reference: n.caseReference }) : t('notifications.open')}
                    <span className="visually-hidden">: {n.title}</span>
                  </Link>
                ) : null}
                {n.readAt ? (
                  <span className="muted">{t('notifications.read')}</span>
                ) : (
                  <button type="button" className="secondary" onClick={() => void markRead(n)}>
                    {t('notifications.markRead')}
                    <span className="visually-hidden">: {n.title}</span>
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
