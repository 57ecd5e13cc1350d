import {
  Alert,
  Button,
  Code,
  Group,
  List,
  Modal,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../auth/auth-context.js";
import { validationErrors } from "./scenario-yaml.js";

/** What `POST /api/v1/scenarios/import/sigma` answers. */
interface SigmaImportResult {
  name: string;
  yaml: string;
  warnings: string[];
  created: boolean;
}

const PLACEHOLDER = `title: Web Shell Probe
logsource:
  category: webserver
detection:
  selection:
    cs-uri-stem|endswith: ['/c99.php', '/wso.php']
  condition: selection
level: high
tags: [attack.t1505.003]`;

/**
 * Import a Sigma rule: paste it, Preview shows the scenario it makes (a dry run, nothing saved) with
 * warnings, Import saves it. Unsupported constructs come back with their line, as the editor's errors do.
 */
export function SigmaImport({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Import a Sigma rule" size="xl">
      {opened && <SigmaImportBody onClose={onClose} />}
    </Modal>
  );
}

function SigmaImportBody({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [yaml, setYaml] = useState("");
  const [action, setAction] = useState<"alert" | "ban">("alert");
  const [previewed, setPreviewed] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (dryRun: boolean) =>
      api.post<SigmaImportResult>("/api/v1/scenarios/import/sigma", { yaml, action, dry_run: dryRun }),
    onSuccess: (r) => {
      if (r.created) {
        void queryClient.invalidateQueries({ queryKey: ["scenarios"] });
        onClose();
      } else setPreviewed(`${action}\n${yaml}`);
    },
  });
  const problems = run.error ? validationErrors(run.error) : [];
  const preview = run.data && !run.data.created && previewed === `${action}\n${yaml}` ? run.data : null;

  return (
    <Stack gap="sm">
      <Text size="xs" c="dimmed">
        Web server, proxy, Linux auth and firewall rules. The scenario acts on one matching event; it alerts
        unless you choose to ban. See docs/DETECTION-AND-BANS.md for the field mapping.
      </Text>
      <Textarea
        value={yaml}
        onChange={(e) => setYaml(e.currentTarget.value)}
        placeholder={PLACEHOLDER}
        autosize
        minRows={12}
        maxRows={24}
        spellCheck={false}
        styles={{ input: { fontFamily: "monospace", fontSize: 12 } }}
        data-testid="sigma-yaml"
      />
      <Group gap="xs">
        <Text size="xs">When it matches:</Text>
        <SegmentedControl
          size="xs"
          value={action}
          onChange={(v) => setAction(v === "ban" ? "ban" : "alert")}
          data={[
            { value: "alert", label: "Alert" },
            { value: "ban", label: "Ban" },
          ]}
          data-testid="sigma-action"
        />
      </Group>
      {problems.length > 0 && (
        <Alert color="red" variant="light" title="Cannot import" data-testid="sigma-errors">
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
      {preview && (
        <Stack gap={4} data-testid="sigma-preview">
          <Text size="xs" fw={600}>
            Scenario {preview.name}
          </Text>
          {preview.warnings.length > 0 && (
            <Alert color="yellow" variant="light" title="Warnings">
              <List size="xs">
                {preview.warnings.map((w) => (
                  <List.Item key={w}>{w}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          <Code block fz={11}>
            {preview.yaml}
          </Code>
        </Stack>
      )}
      <Group justify="flex-end" gap="xs">
        <Button size="xs" variant="default" onClick={onClose}>
          Close
        </Button>
        <Button
          size="xs"
          variant="default"
          disabled={yaml.trim() === ""}
          loading={run.isPending && run.variables === true}
          onClick={() => run.mutate(true)}
          data-testid="sigma-preview-button"
        >
          Preview
        </Button>
        <Button
          size="xs"
          disabled={yaml.trim() === ""}
          loading={run.isPending && run.variables === false}
          onClick={() => run.mutate(false)}
          data-testid="sigma-import-button"
        >
          Import
        </Button>
      </Group>
    </Stack>
  );
}
