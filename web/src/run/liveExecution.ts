import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { Execution } from '../api/types';
import { applyExecutionEvent } from './executionEvents';

export const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export interface LiveExecution {
  execution: Execution | undefined;
  error: unknown;
  /** How updates arrive: server-sent events, or polling where the server has no event stream. */
  mode: 'events' | 'polling' | 'idle';
  refresh(): void;
}

/**
 * Follows an execution until it finishes: subscribes to `GET /executions/{id}/events` and applies each event (a
 * snapshot, then changed steps and status), or polls every second when the server has no event stream (404).
 */
export function useLiveExecution(id: string): LiveExecution {
  const [execution, setExecution] = useState<Execution>();
  const [error, setError] = useState<unknown>(null);
  const [mode, setMode] = useState<LiveExecution['mode']>('idle');
  const [generation, setGeneration] = useState(0);
  const latest = useRef<Execution | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let inFlight = false;
    let again = false;

    const read = async () => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        const next = await api.get<Execution>(`/executions/${id}`, undefined, signal);
        latest.current = next;
        setExecution(next);
        setError(null);
      } catch (e) {
        if (!signal.aborted) setError(e);
      } finally {
        inFlight = false;
        if (again && !signal.aborted) {
          again = false;
          void read();
        }
      }
    };

    const poll = async () => {
      setMode('polling');
      while (!signal.aborted && !TERMINAL.has(latest.current?.status ?? '')) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (!signal.aborted) await read();
      }
      if (!signal.aborted) setMode('idle');
    };

    void (async () => {
      await read();
      if (signal.aborted || TERMINAL.has(latest.current?.status ?? '')) return;
      try {
        setMode('events');
        await api.stream(`/executions/${id}/events`, (event) => {
          const next = applyExecutionEvent(latest.current, event);
          if (next === latest.current) return;
          latest.current = next;
          setExecution(next);
        }, signal);
        // The server ends the stream when the execution finishes; read the final state.
        if (!signal.aborted) {
          await read();
          if (!TERMINAL.has(latest.current?.status ?? '')) await poll();
          else setMode('idle');
        }
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 406)) await poll();
        else {
          // The stream broke (proxy timeout, restart): fall back to polling rather than freeze.
          await poll();
        }
      }
    })();

    return () => {
      controller.abort();
    };
  }, [id, generation]);

  return { execution, error, mode, refresh: () => setGeneration((g) => g + 1) };
}
