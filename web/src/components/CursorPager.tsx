import { useCallback, useState } from 'react';

/** Keyset paging: the cursors of the pages seen so far, so Previous can go back (the API pages forward only). */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const reset = useCallback(() => setCursors([null]), []);
  return {
    cursor: cursors.at(-1) ?? null,
    hasPrevious: cursors.length > 1,
    previous: () => setCursors((c) => c.slice(0, -1)),
    next: (cursor: string) => setCursors((c) => [...c, cursor]),
    reset,
  };
}

export function CursorPager({ pages, nextCursor }: { pages: ReturnType<typeof useCursorPages>; nextCursor: string | null | undefined }) {
  return (
    <div className="pager">
      {pages.hasPrevious ? <button onClick={pages.previous}>Previous</button> : null}
      {nextCursor ? <button onClick={() => pages.next(nextCursor)}>Next</button> : null}
    </div>
  );
}
