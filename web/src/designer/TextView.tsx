import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef, useState } from 'react';
import type { WorkflowDefinition } from '../workflow/definition';
import { parseText, toText, type TextFormat } from '../workflow/text';
import { ensureExpressionLanguage, setExpressionContext, type ExpressionContext } from './expressionLanguage';
import '../monaco';

/**
 * The definition as YAML or JSON, kept in sync both ways: edits that parse replace the definition (and the canvas);
 * a change made elsewhere (undo, the canvas) rewrites the text unless it came from this editor.
 */
export function TextView({ definition, format, readOnly, context, onChange }: {
  definition: WorkflowDefinition; format: TextFormat; readOnly: boolean; context: ExpressionContext; onChange(d: WorkflowDefinition): void;
}) {
  const [text, setText] = useState(() => toText(definition, format));
  const [error, setError] = useState<string | null>(null);
  const emitted = useRef<WorkflowDefinition | null>(null);
  const uri = useRef<string | null>(null);

  useEffect(() => {
    if (emitted.current === definition) return;
    setText(toText(definition, format));
    setError(null);
  }, [definition, format]);

  useEffect(() => {
    if (uri.current) setExpressionContext(uri.current, context);
  }, [context]);

  const onMount: OnMount = (editor) => {
    const model = editor.getModel();
    if (model) {
      uri.current = model.uri.toString();
      setExpressionContext(uri.current, context);
    }
  };

  return (
    <div className="text-view">
      {error ? <div className="banner error" role="alert" data-testid="text-error">{error}</div> : null}
      <Editor
        language={format}
        value={text}
        beforeMount={() => ensureExpressionLanguage()}
        onMount={onMount}
        options={{ readOnly, editContext: false, minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, tabSize: 2, automaticLayout: true }}
        onChange={(value) => {
          const next = value ?? '';
          setText(next);
          const parsed = parseText(next, format);
          if (!parsed.ok) {
            setError(parsed.error);
            return;
          }
          setError(null);
          emitted.current = parsed.definition;
          onChange(parsed.definition);
        }}
      />
    </div>
  );
}
