import { useEffect, useSyncExternalStore } from 'react';
import { api } from '../api/client';
import type { InboxItem } from './rules';

// The unread count of the in-app inbox, shared by the menu badge and the inbox page: polled while the app is open
// (there is no stream for it), and refreshed at once after the inbox marks something read.

const POLL_MS = 30_000;
let count = 0;
const listeners = new Set<() => void>();
let inflight: Promise<void> | null = null;

function publish(next: number) {
  if (next === count) return;
  count = next;
  for (const listener of listeners) listener();
}

/** Asks the server again (one request however many callers ask at once). Failures keep the last count. */
export function refreshUnread(): Promise<void> {
  inflight ??= api.get<InboxItem[]>('/notifications/inbox', { unread: true, limit: 500 })
    .then((items) => publish(items.length), () => undefined)
    .finally(() => { inflight = null; });
  return inflight;
}

/** Sets the count from a list the caller already has (the inbox page's unread list). */
export function setUnread(next: number): void {
  publish(next);
}

const subscribe = (notify: () => void) => {
  listeners.add(notify);
  return () => {
    listeners.delete(notify);
  };
};

/** The last known count, without polling (the menu polls). */
export function useUnreadSnapshot(): number {
  return useSyncExternalStore(subscribe, () => count);
}

/** The count, polled every 30 s while the tab is visible; used once, by the menu. */
export function useUnreadCount(enabled: boolean): number {
  const value = useUnreadSnapshot();
  useEffect(() => {
    if (!enabled) return;
    void refreshUnread();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refreshUnread();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [enabled]);
  return enabled ? value : 0;
}
