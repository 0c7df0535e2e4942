import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../components/useAction';
import { useApi } from '../../components/useApi';
import { ErrorBanner, formatTime } from '../../components/ui';
import { eventLabel, type InboxItem } from '../../notifications/rules';
import { refreshUnread, setUnread, useUnreadSnapshot } from '../../notifications/unread';
import { Link } from '../../router';

const LIMIT = 200;

/** The in-app inbox: newest first, unread marked; marking read updates the menu's unread count at once. */
export function InboxTab() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const inbox = useApi(async (signal) => {
    const items = await api.get<InboxItem[]>('/notifications/inbox', { unread: unreadOnly || undefined, limit: LIMIT }, signal);
    // A list that holds every unread item is the count: the menu's badge and this list agree.
    if (unreadOnly || items.length < LIMIT) setUnread(items.filter((i) => !i.read_at).length);
    return items;
  }, [unreadOnly]);
  // The menu's poll saw a different number: something arrived (or was read elsewhere); show it.
  const unreadCount = useUnreadSnapshot();
  const listed = inbox.data?.filter((i) => !i.read_at).length;
  const { reload } = inbox;
  useEffect(() => {
    if (listed !== undefined && listed !== unreadCount) reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [unreadCount]);
  const after = () => {
    inbox.reload();
    void refreshUnread();
  };
  const { error, run, clear } = useAction(after);
  const unread = inbox.data?.filter((i) => !i.read_at) ?? [];
  return (
    <>
      <div className="page-header">
        <label className="check"><input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only</label>
        <span className="spacer" />
        <button disabled={unread.length === 0} data-testid="mark-all-read"
          onClick={() => void run(() => Promise.all(unread.map((i) => api.post(`/notifications/inbox/${i.id}/read`))))}>Mark all read</button>
      </div>
      <ErrorBanner error={error ?? inbox.error} onDismiss={error ? clear : undefined} />
      <ul className="inbox" aria-label="Inbox">
        {inbox.data?.map((item) => {
          const execution = typeof item.payload.execution_id === 'string' ? item.payload.execution_id : null;
          return (
            <li key={item.id} className={item.read_at ? 'inbox-item' : 'inbox-item unread'} data-testid={`inbox-${item.id}`} data-unread={!item.read_at}>
              <div>
                <strong>{item.title}</strong> <span className="badge">{eventLabel(item.event)}</span>
                <div className="muted small">{formatTime(item.created_at)}{typeof item.payload.error === 'string' && item.payload.error ? ` · ${item.payload.error}` : ''}</div>
              </div>
              <div className="actions">
                {execution ? <Link to={`/executions/${execution}`}>Open run</Link> : null}
                {item.read_at ? <span className="muted small">read</span>
                  : <button className="ghost" aria-label={`Mark ${item.title} read`} onClick={() => void run(() => api.post(`/notifications/inbox/${item.id}/read`))}>Mark read</button>}
              </div>
            </li>
          );
        })}
        {inbox.data?.length === 0 ? <li className="empty muted">Nothing here. In-app rules put their notifications in this inbox.</li> : null}
      </ul>
    </>
  );
}
