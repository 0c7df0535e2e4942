import { useCallback, useState } from 'react';

/**
 * Runs a user action (a button's API call): clears the previous error, runs it, calls `after` on success (typically
 * reload), and keeps the error for an ErrorBanner otherwise. Resolves to whether it succeeded.
 */
export function useAction(after?: () => void) {
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      after?.();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  }, [after]);
  return { error, run, setError, clear: useCallback(() => setError(null), []) };
}
