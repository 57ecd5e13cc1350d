/**
 * The hunting workbench (`/hunt`): a KQL editor, its time range and row limit, the result as a table
 * (or a time chart for `summarize … by bin(timestamp, …)`), the selected row as JSON, history, saved
 * queries and templates. Loaded lazily (app.tsx): CodeMirror stays out of the main bundle.
 */
import {
  Alert,
  Button,
  Grid,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError, errorMessage } from "../api/problem.js";
import { CopyTextButton } from "../components/copy-button.js";
import { FormModal } from "../components/form-modal.js";
import { fromLocalInput, toLocalInput } from "../events/local-time.js";
import { formatCount } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { cellText, rowObject, toCsv, toNdjson } from "./export.js";
import {
  type KqlProblem,
  type KqlResult,
  type Template,
  useKqlSchema,
  useRunKql,
  useSaveQuery,
} from "./hunt-api.js";
import {
  HUNT_RANGES,
  type HuntRangeKey,
  type HuntState,
  huntFromSearch,
  huntToSearch,
  huntWindow,
  rangeForDays,
} from "./hunt-url.js";
import { type EditorMark, KqlEditor } from "./kql-editor.js";
import { chartable, ResultChart } from "./result-chart.js";
import { ResultsTable } from "./results-table.js";
import { SidePanel } from "./side-panel.js";

const SAMPLE =
  'Events\n| where action == "drop"\n| summarize n = count() by src_ip\n| sort by n desc\n| take 10';

function problemOf(error: unknown): (KqlProblem & { detail: string }) | null {
  if (!(error instanceof ApiError) || error.status >= 500) return null;
  const body = (error.body ?? {}) as KqlProblem;
  return { ...body, detail: error.detail };
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Client-side, from the rows the page holds; a streamed export of the full result is a later step. */
function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function RowViewer({ result, row }: { result: KqlResult; row: unknown[] }) {
  const json = JSON.stringify(rowObject(result.columns, row), null, 2);
  return (
    <Paper withBorder p="xs" bg="dark.7" data-testid="hunt-row-viewer">
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={600}>
          Selected row
        </Text>
        <CopyTextButton value={json} data-testid="hunt-row-copy" />
      </Group>
      <Stack gap={2} mb="xs">
        {result.columns.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a result may name a column twice; columns are fixed per result.
          <Group key={`${c.name}-${i}`} gap="xs" wrap="nowrap" data-testid="hunt-field" data-name={c.name}>
            <Text size="xs" c="dimmed" w={120} style={{ flexShrink: 0 }} truncate>
              {c.name}
            </Text>
            <Text size="xs" ff="monospace" style={{ flex: 1, minWidth: 0, overflowWrap: "anywhere" }}>
              {cellText(row[i])}
            </Text>
            <CopyTextButton value={cellText(row[i])} data-testid="hunt-cell-copy" />
          </Group>
        ))}
      </Stack>
      <pre
        style={{
          margin: 0,
          fontSize: 12,
          maxHeight: 320,
          overflow: "auto",
          whiteSpace: "pre-wrap",
          overflowWrap: "anywhere",
        }}
        data-testid="hunt-row-json"
      >
        {json}
      </pre>
    </Paper>
  );
}

function Result({ result }: { result: KqlResult }) {
  const [selected, setSelected] = useState<unknown[] | null>(null);
  const { stats } = result;
  return (
    <Stack gap="xs">
      <Group justify="space-between" gap="xs">
        <Text
          size="xs"
          c="dimmed"
          className="num"
          data-testid="hunt-stats"
          data-rows={result.rows.length}
          data-truncated={String(result.truncated)}
        >
          {formatCount(result.rows.length)} row{result.rows.length === 1 ? "" : "s"}
          {result.truncated ? " (truncated: raise the limit for more)" : ""} · {formatCount(stats.rows_read)}{" "}
          rows read · {formatBytes(stats.bytes_read)} · {Math.round(stats.elapsed_ms)} ms
        </Text>
        <Group gap={4}>
          <Button
            size="compact-xs"
            variant="default"
            disabled={result.rows.length === 0}
            onClick={() => download("vigil-hunt.csv", "text/csv", toCsv(result.columns, result.rows))}
            data-testid="hunt-export-csv"
          >
            CSV
          </Button>
          <Button
            size="compact-xs"
            variant="default"
            disabled={result.rows.length === 0}
            onClick={() =>
              download("vigil-hunt.ndjson", "application/x-ndjson", toNdjson(result.columns, result.rows))
            }
            data-testid="hunt-export-ndjson"
          >
            NDJSON
          </Button>
        </Group>
      </Group>
      {result.truncated && (
        <Text size="xs" c="orange" data-testid="hunt-truncated">
          More rows matched than the limit; only the first {formatCount(result.rows.length)} are here.
        </Text>
      )}
      {chartable(result.columns) && result.rows.length > 0 && (
        <ResultChart columns={result.columns} rows={result.rows} />
      )}
      {result.rows.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="md" data-testid="hunt-no-rows">
          No rows in this time range.
        </Text>
      ) : (
        <ResultsTable
          columns={result.columns}
          rows={result.rows}
          selected={selected}
          onSelect={setSelected}
        />
      )}
      {selected && <RowViewer result={result} row={selected} />}
    </Stack>
  );
}

export function HuntPage() {
  usePageTitle("Hunt");
  const [params, setParams] = useSearchParams();
  // The URL is read once: later edits live in the page and are written back on each run.
  const [state, setState] = useState<HuntState>(() => {
    const initial = huntFromSearch(params);
    return initial.query ? initial : { ...initial, query: SAMPLE };
  });
  const [mark, setMark] = useState<EditorMark | null>(null);
  const [saveOpen, setSaveOpen] = useState(false);
  const [saveName, setSaveName] = useState("");
  const schema = useKqlSchema();
  const run = useRunKql();
  const save = useSaveQuery();
  const problem = useMemo(() => problemOf(run.error), [run.error]);
  const patch = (p: Partial<HuntState>) => setState((s) => ({ ...s, ...p }));

  const execute = (current = state) => {
    if (!current.query.trim()) return;
    setParams(huntToSearch(current), { replace: true });
    run.mutate(
      { query: current.query, ...huntWindow(current, Date.now()), limit: current.limit },
      {
        onSuccess: () => setMark(null),
        onError: (error) => {
          const p = problemOf(error);
          setMark(p?.line && p.column ? { line: p.line, column: p.column, message: p.detail } : null);
        },
      },
    );
  };

  const setRange = (range: HuntRangeKey) => {
    if (range === "custom" && !state.from) {
      const now = Date.now();
      patch({ range, from: new Date(now - 24 * 3600_000).toISOString(), to: new Date(now).toISOString() });
    } else patch({ range });
  };

  const loadTemplate = (t: Template) => patch({ query: t.query, range: rangeForDays(t.range_days) });

  return (
    <Stack gap="sm" data-testid="hunt-page">
      <Title order={3}>Hunt</Title>
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 9 }} style={{ minWidth: 0 }}>
          <Stack gap="xs">
            <KqlEditor
              value={state.query}
              onChange={(query) => {
                setState((s) => (s.query === query ? s : { ...s, query }));
                setMark(null);
              }}
              onRun={() => execute()}
              schema={schema.data}
              mark={mark}
            />
            <Group gap="xs" wrap="wrap" align="flex-end">
              <SegmentedControl
                size="xs"
                value={state.range}
                onChange={(v) => setRange(v as HuntRangeKey)}
                data={[
                  ...HUNT_RANGES.map((r) => ({ value: r, label: r })),
                  { value: "custom", label: "Custom" },
                ]}
                data-testid="hunt-range"
              />
              {state.range === "custom" && (
                <>
                  <TextInput
                    size="xs"
                    type="datetime-local"
                    aria-label="From"
                    value={toLocalInput(state.from)}
                    onChange={(e) => patch({ from: fromLocalInput(e.currentTarget.value) })}
                    data-testid="hunt-from"
                  />
                  <TextInput
                    size="xs"
                    type="datetime-local"
                    aria-label="To"
                    value={toLocalInput(state.to)}
                    onChange={(e) => patch({ to: fromLocalInput(e.currentTarget.value) })}
                    data-testid="hunt-to"
                  />
                </>
              )}
              <NumberInput
                size="xs"
                w={100}
                aria-label="Row limit"
                title="Rows returned at most (1–10,000)"
                min={1}
                max={10_000}
                clampBehavior="strict"
                allowDecimal={false}
                value={state.limit}
                onChange={(v) => patch({ limit: typeof v === "number" && v >= 1 ? v : 500 })}
                data-testid="hunt-limit"
              />
              <Group gap="xs" ml="auto">
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => {
                    save.reset();
                    setSaveOpen(true);
                  }}
                  disabled={!state.query.trim()}
                  data-testid="hunt-save"
                >
                  Save
                </Button>
                <Button
                  size="xs"
                  onClick={() => execute()}
                  loading={run.isPending}
                  title="Run (Ctrl/Cmd+Enter)"
                  data-testid="hunt-run"
                >
                  Run
                </Button>
              </Group>
            </Group>
            {run.error && (
              <Alert
                color="red"
                variant="light"
                title={
                  problem?.line ? `Line ${problem.line}, column ${problem.column ?? 1}` : "Query refused"
                }
                data-testid="hunt-error"
                data-line={problem?.line ?? ""}
                data-column={problem?.column ?? ""}
              >
                <Text size="sm">{problem?.detail ?? errorMessage(run.error)}</Text>
                {problem?.expected && (
                  <Text size="xs" c="dimmed" data-testid="hunt-error-expected">
                    Expected: {problem.expected}
                  </Text>
                )}
                {problem?.suggestions && problem.suggestions.length > 0 && (
                  <Text size="xs" c="dimmed" data-testid="hunt-error-suggestions">
                    Did you mean: {problem.suggestions.join(", ")}
                  </Text>
                )}
              </Alert>
            )}
            {run.data && !run.error && <Result key={run.submittedAt} result={run.data} />}
            {!run.data && !run.error && (
              <Text size="xs" c="dimmed">
                Ctrl/Cmd+Enter runs the query. Completion offers tables, operators after “|”, and columns.
              </Text>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 3 }} style={{ minWidth: 0 }}>
          <Paper withBorder p="xs" bg="dark.7">
            <SidePanel onLoad={(query) => patch({ query })} onTemplate={loadTemplate} />
          </Paper>
        </Grid.Col>
      </Grid>
      <FormModal
        opened={saveOpen}
        title="Save query"
        onClose={() => setSaveOpen(false)}
        onSubmit={() =>
          save.mutate(
            { name: saveName.trim(), query: state.query },
            {
              onSuccess: () => {
                setSaveOpen(false);
                setSaveName("");
              },
            },
          )
        }
        error={save.error}
        submitLabel="Save"
        submitting={save.isPending}
        canSubmit={saveName.trim().length > 0}
        testId="hunt-save-form"
      >
        <TextInput
          label="Name"
          maxLength={100}
          value={saveName}
          onChange={(e) => setSaveName(e.currentTarget.value)}
          data-autofocus
          data-testid="hunt-save-name"
        />
      </FormModal>
    </Stack>
  );
}
