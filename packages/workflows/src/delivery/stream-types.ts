/** What the stream workflows and their activities exchange: ids and positions, never payloads. */
export interface StreamInput {
  workspaceId: string;
  webhookId: string;
  /** The webhook id for the live stream, a `rpl_…` id for a replay. */
  streamId: string;
}

export type StreamState = 'running' | 'retrying' | 'paused' | 'disabled' | 'deleted' | 'completed';

/** What one step did, and what the workflow should do next. */
export interface StepResult {
  state: StreamState;
  /** continue: step again now; wait: a batch lingers or a writer is finishing; retry: the open batch waits for its next attempt; idle: nothing to send until woken; stop: the stream ends. */
  next: 'continue' | 'wait' | 'retry' | 'idle' | 'stop';
  delayMs: number;
  sent: number;
  deliveryId: string | null;
  nextSeq: number;
}

export interface TestDeliveryResult {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}
