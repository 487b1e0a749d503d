/** What the delivery workflows and their activities exchange: ids, never payloads. */
export interface DeliverInput {
  workspaceId: string;
  eventId: string;
  webhookId: string;
  trigger: 'scheduled' | 'manual';
}

export interface DeliverResult {
  deliveryId: string | null;
  status: 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  reason?: string;
}

export interface TestDeliveryResult {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}
