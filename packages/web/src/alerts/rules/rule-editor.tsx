import {
  Autocomplete,
  Divider,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import { useSites } from "../../api/queries.js";
import { useChannels } from "../../channels/channel-queries.js";
import { EditorFooter } from "../../components/editor-footer.js";
import { SEVERITY_ORDER } from "../../severity.js";
import { useUsernames } from "../alert-queries.js";
import type { AlertRule } from "../alert-types.js";
import { formToInput, NEW_RULE_FORM, problemFields, type RuleForm, ruleToForm } from "./rule-form.js";
import { RuleHistory } from "./rule-history.js";
import { useRuleActions } from "./rule-queries.js";
import { RuleTestPanel } from "./rule-test-panel.js";

/** Event fields rules usually count by; any event field may be typed. */
const GROUP_FIELDS = [
  "src_ip",
  "dst_ip",
  "user_name",
  "site",
  "hostname",
  "geo_country",
  "rule_id",
  "dst_port",
  "url",
];

export interface RuleTarget {
  /** null = a new rule. */
  rule: AlertRule | null;
}

export function RuleEditor({
  target,
  canEdit,
  canTest,
  onClose,
}: {
  target: RuleTarget | null;
  canEdit: boolean;
  canTest: boolean;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target?.rule ? target.rule.name : "New alert rule"}
      size="xl"
    >
      {target && (
        <EditorBody
          key={target.rule?.id ?? "new"}
          rule={target.rule}
          canEdit={canEdit}
          canTest={canTest}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}

function EditorBody({
  rule,
  canEdit,
  canTest,
  onClose,
}: {
  rule: AlertRule | null;
  canEdit: boolean;
  canTest: boolean;
  onClose: () => void;
}) {
  const { save, remove } = useRuleActions();
  const sites = useSites();
  const channels = useChannels();
  const users = useUsernames();
  const [form, setForm] = useState<RuleForm>(() => (rule ? ruleToForm(rule) : { ...NEW_RULE_FORM }));
  const [localError, setLocalError] = useState<{ field: keyof RuleForm; message: string } | null>(null);
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (localError?.field === key) setLocalError(null);
  };
  const bad = problemFields(save.error);
  const errorOf = (key: keyof RuleForm): string | undefined =>
    localError?.field === key ? localError.message : bad.get(key);
  const channelData = (channels.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.type})` }));
  const siteData = (sites.data ?? []).map((s) => s.site);

  /** The API body, or null after showing what to fix. */
  const build = () => {
    const result = formToInput(form);
    if (!result.ok) {
      setLocalError({ field: result.field, message: result.message });
      return null;
    }
    setLocalError(null);
    return result.rule;
  };
  const submit = () => {
    const body = build();
    if (body) save.mutate({ id: rule?.id ?? null, rule: body }, { onSuccess: onClose });
  };
  const readOnly = !canEdit;

  return (
    <Stack gap="sm" data-testid="rule-editor">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
        <TextInput
          label="Name"
          required
          value={form.name}
          onChange={(e) => set("name", e.currentTarget.value)}
          error={errorOf("name")}
          readOnly={readOnly}
          data-testid="rule-name"
        />
        <Select
          label="Severity"
          data={[...SEVERITY_ORDER]}
          value={form.severity}
          onChange={(v) => v && set("severity", v as RuleForm["severity"])}
          allowDeselect={false}
          readOnly={readOnly}
          data-testid="rule-severity"
        />
        <Switch
          mt={28}
          label="Enabled"
          checked={form.enabled}
          onChange={(e) => set("enabled", e.currentTarget.checked)}
          disabled={readOnly}
          data-testid="rule-enabled"
        />
      </SimpleGrid>
      <TextInput
        label="Description"
        value={form.description}
        onChange={(e) => set("description", e.currentTarget.value)}
        readOnly={readOnly}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <TagsInput
          label="Sites"
          description="Empty = every site"
          data={siteData}
          value={form.sites}
          onChange={(v) => set("sites", v)}
          error={errorOf("sites")}
          readOnly={readOnly}
          data-testid="rule-sites"
        />
        <MultiSelect
          label="Channels"
          description="Notified when the rule fires"
          data={channelData}
          value={form.channels}
          onChange={(v) => set("channels", v)}
          error={errorOf("channels")}
          readOnly={readOnly}
          searchable
          data-testid="rule-channels"
        />
      </SimpleGrid>
      <Textarea
        label="Filter (JSON)"
        description='Same language as scenarios: {"log_type": "Firewall", "action": "drop"}, {"url": {"contains": "/wp-login"}}, {"any": [...]}'
        value={form.filterText}
        onChange={(e) => set("filterText", e.currentTarget.value)}
        error={errorOf("filterText")}
        autosize
        minRows={4}
        maxRows={14}
        spellCheck={false}
        readOnly={readOnly}
        styles={{ input: { fontFamily: "monospace", fontSize: 12 } }}
        data-testid="rule-filter"
      />
      <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="xs">
        <NumberInput
          label="Threshold"
          min={1}
          value={form.threshold}
          onChange={(v) => set("threshold", typeof v === "number" ? v : Number(v) || 0)}
          error={errorOf("threshold")}
          readOnly={readOnly}
          data-testid="rule-threshold"
        />
        <TextInput
          label="Window"
          placeholder="1m"
          value={form.window}
          onChange={(e) => set("window", e.currentTarget.value)}
          error={errorOf("window")}
          readOnly={readOnly}
          data-testid="rule-window"
        />
        <Autocomplete
          label="Group by"
          data={GROUP_FIELDS}
          value={form.group_by}
          onChange={(v) => set("group_by", v)}
          error={errorOf("group_by")}
          readOnly={readOnly}
          data-testid="rule-group-by"
        />
        <Autocomplete
          label="Count distinct"
          placeholder="events"
          data={GROUP_FIELDS}
          value={form.distinct}
          onChange={(v) => set("distinct", v)}
          error={errorOf("distinct")}
          readOnly={readOnly}
          data-testid="rule-distinct"
        />
        <TextInput
          label="Cooldown"
          placeholder="15m"
          value={form.cooldown}
          onChange={(e) => set("cooldown", e.currentTarget.value)}
          error={errorOf("cooldown")}
          readOnly={readOnly}
          data-testid="rule-cooldown"
        />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        Fires when {form.threshold || "?"}{" "}
        {form.distinct ? `distinct ${form.distinct} values` : "matching events"} share one{" "}
        {form.group_by || "src_ip"} within {form.window || "?"}; no second alert for the same value within{" "}
        {form.cooldown || "the cooldown"}.
      </Text>
      <Divider />
      <Switch
        label="Escalate when not acknowledged in time"
        checked={form.escalate}
        onChange={(e) => set("escalate", e.currentTarget.checked)}
        disabled={readOnly}
        data-testid="rule-escalate"
      />
      {form.escalate && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
          <TextInput
            label="After"
            placeholder="30m"
            value={form.escalationAfter}
            onChange={(e) => set("escalationAfter", e.currentTarget.value)}
            error={errorOf("escalationAfter")}
            readOnly={readOnly}
          />
          <MultiSelect
            label="Notify channels"
            data={channelData}
            value={form.escalationChannels}
            onChange={(v) => set("escalationChannels", v)}
            error={errorOf("escalationChannels")}
            readOnly={readOnly}
          />
          <TagsInput
            label="Escalate to users"
            data={users.data ?? []}
            value={form.escalationUsers}
            onChange={(v) => set("escalationUsers", v)}
            error={errorOf("escalationUsers")}
            readOnly={readOnly}
          />
        </SimpleGrid>
      )}
      <EditorFooter
        testId="rule"
        error={save.error ?? remove.error}
        onDelete={canEdit && rule ? () => remove.mutate(rule.id, { onSuccess: onClose }) : undefined}
        confirmDelete={`Delete the rule “${rule?.name ?? ""}”? Its past alerts stay.`}
        deleting={remove.isPending}
        onSave={canEdit ? submit : undefined}
        saving={save.isPending}
        onClose={onClose}
        closeLabel="Close"
      />
      {canTest && (
        <>
          <Divider label="Test over stored events" labelPosition="left" />
          <RuleTestPanel build={build} />
        </>
      )}
      {rule && <RuleHistory ruleId={rule.id} onNavigate={onClose} />}
    </Stack>
  );
}
