/** An RFC 7807 problem as the server answers it, with `errors` naming the fields (JSON paths) at fault. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

/** A failed API call. `fieldErrors` is flattened from the problem's `errors` so forms can show each next to its field. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails | null;

  constructor(status: number, problem: ProblemDetails | null, fallback: string) {
    super(ApiError.describe(problem, fallback));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get fieldErrors(): { field: string; message: string }[] {
    const errors = this.problem?.errors ?? {};
    return Object.entries(errors).flatMap(([field, messages]) => messages.map((message) => ({ field, message })));
  }

  /**
   * The message for one field, e.g. `username` or `$.steps[0].config`, or undefined. The server names fields by their
   * JSON path (`$.cron`); a form asking for `cron` gets that message too.
   */
  fieldError(field: string): string | undefined {
    const errors = this.problem?.errors;
    return (errors?.[field] ?? (field.startsWith('$') ? undefined : errors?.[`$.${field}`]))?.join(' ');
  }

  static describe(problem: ProblemDetails | null, fallback: string): string {
    if (!problem) return fallback;
    const fields = Object.entries(problem.errors ?? {}).map(([field, messages]) => `${field}: ${messages.join(' ')}`);
    const head = problem.detail ?? problem.title ?? fallback;
    return fields.length > 0 ? `${problem.title ?? head} — ${fields.join('; ')}` : head;
  }
}

/** Reads a problem body when the response has one (application/problem+json or JSON with a title). */
export async function readProblem(response: Response): Promise<ProblemDetails | null> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return null;
  try {
    const body: unknown = await response.json();
    return body && typeof body === 'object' ? (body as ProblemDetails) : null;
  } catch {
    return null;
  }
}
