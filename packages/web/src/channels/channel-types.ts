/** The channels API shapes are the server's own contract types, not copies. */
export type {
  ChannelInput,
  ChannelType,
  ChannelView,
  EmailConfig,
} from "../../../server/src/alerts/channels/types.js";

/** POST /api/v1/channels/:id/test */
export interface ChannelTestResult {
  ok: boolean;
  error?: string;
  attempts: number;
}

/** GET /api/v1/channels/:id/deliveries */
export interface ChannelDelivery {
  at: string;
  alert_id: string | null;
  ok: boolean;
  attempts: number;
  error: string | null;
}
