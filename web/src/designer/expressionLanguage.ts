import type { JsonSchema } from '../api/types';
import { monaco } from '../monaco';
import type { WorkflowDefinition } from '../workflow/definition';
import { completePath, pathBeforeCursor } from '../workflow/expressions';

/** What an expression editor completes against; one per Monaco model (editor instance). */
export interface ExpressionContext {
  definition: WorkflowDefinition;
  stepId: string | null;
  pluginOutputs(plugin: string): JsonSchema | undefined;
}

export const EXPRESSION_LANGUAGE = 'openclaw-expression';
const contexts = new Map<string, ExpressionContext>();
let registered = false;

export function setExpressionContext(modelUri: string, context: ExpressionContext | null): void {
  if (context) contexts.set(modelUri, context);
  else contexts.delete(modelUri);
}

function provider(): monaco.languages.CompletionItemProvider {
  return {
    triggerCharacters: ['.', '{', ' '],
    provideCompletionItems(model, position) {
      const context = contexts.get(model.uri.toString());
      if (!context) return { suggestions: [] };
      const before = model.getValueInRange({ startLineNumber: position.lineNumber, startColumn: 1, endLineNumber: position.lineNumber, endColumn: position.column });
      const path = pathBeforeCursor(before);
      if (path === null) return { suggestions: [] };
      const partial = path.slice(path.lastIndexOf('.') + 1);
      const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: position.column - partial.length, endColumn: position.column };
      return {
        suggestions: completePath(context.definition, context.stepId, path, context.pluginOutputs).map((c) => ({
          label: c.label,
          detail: c.detail,
          insertText: c.insertText,
          kind: monaco.languages.CompletionItemKind.Field,
          range,
        })),
      };
    },
  };
}

/** Registers the expression language once: `${{ … }}` highlighted, completion from the model's context. */
export function ensureExpressionLanguage(): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: EXPRESSION_LANGUAGE });
  monaco.languages.setMonarchTokensProvider(EXPRESSION_LANGUAGE, {
    tokenizer: {
      root: [[/\$\{\{/, { token: 'keyword', next: '@expr' }], [/[^$]+/, 'string'], [/\$/, 'string']],
      expr: [[/\}\}/, { token: 'keyword', next: '@pop' }], [/[a-zA-Z_][\w-]*/, 'variable'], [/"[^"]*"|'[^']*'/, 'string'], [/\d+(\.\d+)?/, 'number'], [/./, 'operator']],
    },
  });
  monaco.languages.registerCompletionItemProvider(EXPRESSION_LANGUAGE, provider());
  // The YAML view completes expressions too, against the whole workflow.
  monaco.languages.registerCompletionItemProvider('yaml', provider());
  monaco.languages.registerCompletionItemProvider('json', provider());
}
