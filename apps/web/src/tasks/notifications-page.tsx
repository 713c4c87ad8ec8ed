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

export function NotificationsPage() {
  const { t, dateTime } = useI18n();
  const { search } = useLocation();
  const unreadOnly = search.get('unread') === 'true';
  const list = useApi(
    ['notifications', unreadOnly],
    () => api.get<Page<Notification> & { unread?: number }>(`/api/notifications${unreadOnly ? '?unread=true' : ''}`),
  );
  const markRead = async (n: Notification) => {
    await api.post(`/api/notifications/${n.id}/read`);
    window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    await list.reload();
  };
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeading title={t('notifications.title')}>{t('notifications.title')}</PageHeading>
      <div className="field checkbox">
        <input id="unread-only" type="checkbox" checked={unreadOnly} onChange={(e) => navigate(e.target.checked ? '/notifications?unread=true' : '/notifications')} />
        <label htmlFor="unread-only">{t('notifications.unreadOnly')}</label>
      </div>
      {list.data?.unread !== undefined ? <p>{t('notifications.unreadCount', { count: list.data.unread })}</p> : null}
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
              </p>
              <div className="row">
                {to ? (
                  <Link to={to} onClick={() => !n.readAt && void markRead(n)}>
                    {t('notifications.open')}
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
