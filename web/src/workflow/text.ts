import { parse, stringify } from 'yaml';
import type { WorkflowDefinition } from './definition';

export type TextFormat = 'yaml' | 'json';

export function toText(definition: WorkflowDefinition, format: TextFormat): string {
  return format === 'json' ? `${JSON.stringify(definition, null, 2)}\n` : stringify(definition, { lineWidth: 0 });
}

export type ParsedText = { ok: true; definition: WorkflowDefinition } | { ok: false; error: string };

/**
 * Parses what the user typed in the YAML/JSON view. Only the shape the canvas needs is checked (an object with a
 * `steps` list of objects with ids); everything else is the server validator's job.
 */
export function parseText(text: string, format: TextFormat): ParsedText {
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(text) : parse(text);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: 'The definition must be an object.' };
  const candidate = value as Partial<WorkflowDefinition>;
  if (!Array.isArray(candidate.steps)) return { ok: false, error: '`steps` must be a list.' };
  for (const [index, step] of candidate.steps.entries()) {
    if (!step || typeof step !== 'object' || typeof (step as { id?: unknown }).id !== 'string') {
      return { ok: false, error: `steps[${index}] must be an object with an id.` };
    }
    if (typeof (step as { config?: unknown }).config !== 'object' || (step as { config?: unknown }).config === null) {
      (step as { config: object }).config = {};
    }
  }
  return { ok: true, definition: candidate as WorkflowDefinition };
}
