/** The alerts API shapes are the server's own contract types (packages/server/src/alerts/types.ts), not copies. */
export type {
  Alert,
  AlertAction,
  AlertActionKind,
  AlertDetail,
  AlertRule,
  AlertRuleInput,
  AlertRuleTestResult,
  AlertSource,
  AlertState,
  AlertStats,
  EventTriage,
  TriageStatus,
} from "../../../server/src/alerts/types.js";
