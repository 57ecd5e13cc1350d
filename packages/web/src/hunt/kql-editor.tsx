/**
 * The KQL editor: CodeMirror 6 with the KQL tokenizer, completion from the server's schema, Ctrl/Cmd+Enter
 * to run, and the server's error position marked in the text and the gutter.
 */
import { autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  placeholder,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import type { KqlSchema } from "./hunt-api.js";
import { kqlCompletion, kqlLanguage } from "./kql-language.js";

export interface EditorMark {
  line: number;
  column: number;
  message: string;
}

const highlight = HighlightStyle.define([
  { tag: t.keyword, color: "#c792ea" },
  { tag: t.typeName, color: "#ffcb6b", fontWeight: "600" },
  { tag: t.string, color: "#c3e88d" },
  { tag: t.number, color: "#f78c6c" },
  { tag: t.comment, color: "#6b7489", fontStyle: "italic" },
  { tag: t.function(t.variableName), color: "#82aaff" },
  { tag: t.operator, color: "#89ddff" },
]);

const theme = EditorView.theme(
  {
    "&": { backgroundColor: "#141925", color: "#e9ecf2", fontSize: "13px", borderRadius: "4px" },
    "&.cm-focused": { outline: "1px solid #3b82f6" },
    ".cm-content": {
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      minHeight: "96px",
    },
    ".cm-scroller": { overflow: "auto", maxHeight: "320px" },
    ".cm-gutters": { backgroundColor: "#10141d", color: "#6b7489", border: "none" },
    ".cm-activeLine": { backgroundColor: "#1b2130" },
    ".cm-activeLineGutter": { backgroundColor: "#1b2130" },
    ".cm-cursor": { borderLeftColor: "#e9ecf2" },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground": { backgroundColor: "#2b3a55" },
    ".cm-tooltip": { backgroundColor: "#1b2130", border: "1px solid #3b4356" },
  },
  { dark: true },
);

/**
 * The mark's document range: the character at the 1-based line and column, clamped into the text. An
 * error past the end of the line (`where (` wants more) underlines the line's last character, since a
 * zero-width mark is hard to see.
 */
function markRange(state: EditorState, mark: EditorMark): { from: number; to: number } {
  const line = state.doc.line(Math.min(Math.max(mark.line, 1), state.doc.lines));
  const at = Math.min(line.from + Math.max(mark.column, 1) - 1, line.to);
  const from = at === line.to && at > line.from ? at - 1 : at;
  return { from, to: Math.min(from + 1, line.to) };
}

interface KqlEditorProps {
  value: string;
  onChange: (text: string) => void;
  onRun: () => void;
  schema: KqlSchema | undefined;
  mark: EditorMark | null;
}

export function KqlEditor({ value, onChange, onRun, schema, mark }: KqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const completion = useRef(new Compartment());
  const handlers = useRef({ onChange, onRun });
  handlers.current = { onChange, onRun };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view is created once; later values arrive through the effects below.
  useEffect(() => {
    if (!host.current) return;
    const instance = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          Prec.highest(
            keymap.of([
              {
                key: "Mod-Enter",
                run: () => {
                  handlers.current.onRun();
                  return true;
                },
              },
            ]),
          ),
          lineNumbers(),
          lintGutter(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          kqlLanguage,
          syntaxHighlighting(highlight),
          completion.current.of([]),
          keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
          placeholder('Events | where action == "drop" | summarize count() by src_ip'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "KQL query", "data-testid": "hunt-editor-input" }),
          theme,
          EditorView.updateListener.of((update) => {
            if (update.docChanged) handlers.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = instance;
    return () => {
      instance.destroy();
      view.current = null;
    };
  }, []);

  // A query loaded from history, saved queries or the URL replaces the text.
  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.toString() === value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: completion.current.reconfigure(
        schema ? autocompletion({ override: [kqlCompletion(schema)], activateOnTyping: true }) : [],
      ),
    });
  }, [schema]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const diagnostics: Diagnostic[] = mark
      ? [{ ...markRange(v.state, mark), severity: "error", message: mark.message, source: "KQL" }]
      : [];
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [mark]);

  return <div ref={host} data-testid="hunt-editor" data-marked={mark ? "true" : "false"} />;
}
