import { Alert, Button, Group, List, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { BacktestPanel } from "./backtest-panel.js";
import { useScenarioActions } from "./scenario-queries.js";
import { validationErrors } from "./scenario-yaml.js";

export interface EditTarget {
  /** null = a new scenario. */
  name: string | null;
  yaml: string;
}

/** YAML editor: validate (errors with their line), save (live at once on the server), backtest. */
export function ScenarioEditor({
  target,
  canEdit,
  canTest,
  onClose,
}: {
  target: EditTarget | null;
  canEdit: boolean;
  canTest: boolean;
  onClose: () => void;
}) {
  return (
    <Modal opened={target !== null} onClose={onClose} title={target?.name ?? "New scenario"} size="xl">
      {target && (
        <EditorBody
          key={target.name ?? "new"}
          target={target}
          canEdit={canEdit}
          canTest={canTest}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}

function EditorBody({
  target,
  canEdit,
  canTest,
  onClose,
}: {
  target: EditTarget;
  canEdit: boolean;
  canTest: boolean;
  onClose: () => void;
}) {
  const { save, validate } = useScenarioActions();
  const [yaml, setYaml] = useState(target.yaml);
  const [checked, setChecked] = useState<string | null>(null);
  const problems = validate.error
    ? validationErrors(validate.error)
    : save.error
      ? validationErrors(save.error)
      : [];
  const valid = validate.isSuccess && checked === yaml;

  return (
    <Stack gap="sm">
      <Textarea
        value={yaml}
        onChange={(e) => setYaml(e.currentTarget.value)}
        autosize
        minRows={14}
        maxRows={28}
        spellCheck={false}
        readOnly={!canEdit}
        styles={{ input: { fontFamily: "monospace", fontSize: 12 } }}
        data-testid="scenario-yaml"
      />
      {problems.length > 0 && (
        <Alert color="red" variant="light" title="Not valid" data-testid="scenario-errors">
          <List size="xs">
            {problems.map((p) => (
              <List.Item key={`${p.line ?? 0}:${p.field}:${p.message}`}>
                {p.line ? (
                  <Text span ff="monospace">
                    line {p.line}:{" "}
                  </Text>
                ) : null}
                {p.field && (
                  <Text span ff="monospace" fw={600}>
                    {p.field}{" "}
                  </Text>
                )}
                {p.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {valid && (
        <Text size="xs" c="teal.4" data-testid="scenario-valid">
          Valid.
        </Text>
      )}
      <Group justify="space-between">
        <Group gap="xs">
          {canTest && (
            <Button
              size="xs"
              variant="default"
              loading={validate.isPending}
              onClick={() => {
                save.reset();
                validate.mutate(yaml, { onSettled: () => setChecked(yaml) });
              }}
              data-testid="scenario-validate"
            >
              Validate
            </Button>
          )}
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={onClose}>
            Close
          </Button>
          {canEdit && (
            <Button
              size="xs"
              loading={save.isPending}
              onClick={() => {
                validate.reset();
                save.mutate({ name: target.name, yaml }, { onSuccess: onClose });
              }}
              data-testid="scenario-save"
            >
              Save
            </Button>
          )}
        </Group>
      </Group>
      {canTest && target.name && <BacktestPanel name={target.name} yaml={yaml} />}
    </Stack>
  );
}
