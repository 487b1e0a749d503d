import { redactUrl, type RecordEventInput } from '@audit/shared';
import type { WebhookDoc, WorkspaceDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import { recordSystemEvent } from '../events/events-service.ts';

export type Actor = RecordEventInput['actor'];

/** The non-secret description of a destination, as audit metadata records it. */
export function describeDestination(
  doc: Pick<WebhookDoc, 'url' | 'description' | 'headers' | 'categories' | 'format' | 'enabled'>,
) {
  return {
    url: redactUrl(doc.url),
    description: doc.description,
    headerNames: doc.headers.map((h) => h.name),
    categories: doc.categories,
    format: doc.format,
    enabled: doc.enabled,
  };
}

/** `workspace.settings_changed` for a destination: what changed, never a secret or header value. */
export async function recordWebhookChange(
  deps: ApiDeps,
  ws: WorkspaceDoc,
  actor: Actor,
  hook: Pick<WebhookDoc, '_id' | 'url'>,
  change: string,
  description: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  await recordSystemEvent(deps, ws, {
    actor,
    category: 'workspace',
    action: 'settings_changed',
    target: { type: 'webhook', id: hook._id, name: redactUrl(hook.url).slice(0, 256) },
    description,
    metadata: { change, webhookId: hook._id, ...metadata },
  });
}
