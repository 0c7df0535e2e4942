import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import { EXPRESSION_LANGUAGE, ensureExpressionLanguage, setExpressionContext, type ExpressionContext } from './expressionLanguage';
import '../monaco';

const OPTIONS = {
  lineNumbers: 'off' as const,
  minimap: { enabled: false },
  scrollbar: { vertical: 'hidden' as const, horizontal: 'auto' as const, horizontalScrollbarSize: 4 },
  glyphMargin: false,
  folding: false,
  lineDecorationsWidth: 4,
  lineNumbersMinChars: 0,
  renderLineHighlight: 'none' as const,
  overviewRulerLanes: 0,
  hideCursorInOverviewRuler: true,
  wordWrap: 'off' as const,
  scrollBeyondLastLine: false,
  fixedOverflowWidgets: true,
  autoClosingBrackets: 'never' as const,
  autoClosingQuotes: 'never' as const,
  fontSize: 13,
  contextmenu: false,
  quickSuggestions: { other: true, strings: true, comments: false },
  suggestOnTriggerCharacters: true,
  // The classic hidden-textarea input: Chromium's EditContext path loses keystrokes sent by automation (and by some IMEs).
  editContext: false,
};

/**
 * A one-line Monaco editor for a templated value (`Hello ${{ inputs.who }}`), with completion of the contexts
 * available to this step. Enter accepts a suggestion but never adds a line.
 */
export function ExpressionInput({ value, onChange, context, label, readOnly }: {
  value: string;
  onChange(value: string): void;
  context: ExpressionContext;
  label: string;
  readOnly?: boolean;
}) {
  const uri = useRef<string | null>(null);
  const contextRef = useRef(context);
  contextRef.current = context;

  useEffect(() => {
    if (uri.current) setExpressionContext(uri.current, context);
  }, [context]);
  useEffect(() => () => {
    if (uri.current) setExpressionContext(uri.current, null);
  }, []);

  const onMount: OnMount = (editor, monaco) => {
    const model = editor.getModel();
    if (!model) return;
    uri.current = model.uri.toString();
    setExpressionContext(uri.current, contextRef.current);
    editor.addCommand(monaco.KeyCode.Enter, () => editor.trigger('keyboard', 'acceptSelectedSuggestion', {}), '!suggestWidgetVisible');
    editor.addCommand(monaco.KeyCode.Enter, () => editor.trigger('keyboard', 'acceptSelectedSuggestion', {}), 'suggestWidgetVisible');
  };

  return (
    <div className="expression-input" data-label={label} aria-label={label}>
      <Editor
        height={30}
        language={EXPRESSION_LANGUAGE}
        value={value}
        beforeMount={() => ensureExpressionLanguage()}
        onMount={onMount}
        onChange={(v) => onChange((v ?? '').replace(/\r?\n/g, ''))}
        options={{ ...OPTIONS, readOnly: readOnly ?? false, ariaLabel: label }}
      />
    </div>
  );
}
