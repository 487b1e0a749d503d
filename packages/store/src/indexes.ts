import type { Db, IndexDescription } from 'mongodb';

/**
 * Every index, named, with the query it serves. `createIndexes` with the same spec is a no-op,
 * so this runs at every start. Only plain, compound, unique and multikey indexes: FerretDB has
 * no partial, TTL or text indexes, and the design must run on both.
 */
export const INDEXES: Record<string, IndexDescription[]> = {
  events: [
    // events.list and the retention purge: one workspace (or an $in of an organization's), newest
    // first with the (recordedAt, _id) keyset; the purge walks the same index oldest first.
    { key: { workspaceId: 1, recordedAt: -1, _id: -1 }, name: 'workspace_recorded' },
    // Idempotent record: one event per workspace and key, also under concurrent retries.
    { key: { workspaceId: 1, idem: 1 }, name: 'workspace_idem_unique', unique: true },
    // One event per workspace and seq, even where $inc is not atomic (FerretDB): a writer handed
    // numbers already used fails here and takes new ones.
    { key: { workspaceId: 1, seq: 1 }, name: 'workspace_seq_unique', unique: true },
    // Search: a word of `q` (or an actor:/target: value, stored as `actor:word`) is an equality or
    // anchored-prefix match here; `_id` ends the key so an equality match already comes in
    // keyset order. New names, because an existing index cannot change its key in place.
    { key: { workspaceId: 1, tokens: 1, recordedAt: -1, _id: -1 }, name: 'workspace_tokens_keyset' },
    // Category filter, `category:` and `action:` without words.
    { key: { workspaceId: 1, category: 1, recordedAt: -1, _id: -1 }, name: 'workspace_category_keyset' },
  ],
  workspaces: [
    // Organization scope and the admin listing of an organization's workspaces.
    { key: { organizationId: 1, _id: 1 }, name: 'organization_workspaces' },
    // The retention purge walks workspaces plan by plan.
    { key: { plan: 1, _id: 1 }, name: 'plan_workspaces' },
  ],
  stream_heads: [
    // The stream supervisor's pass: workspaces that recorded events since its last pass, by the
    // minutes of its window (a string `$in`, which FerretDB also serves from the index).
    { key: { eventsIn: 1, lastEventAt: 1, _id: 1 }, name: 'events_minute' },
  ],
  deliveries: [
    // webhooks.deliveries, newest first, with or without a status filter; recover's failed scan.
    { key: { workspaceId: 1, webhookId: 1, _id: -1 }, name: 'workspace_webhook_id' },
    { key: { workspaceId: 1, webhookId: 1, status: 1, _id: -1 }, name: 'workspace_webhook_status_id' },
    // "Which delivery carried this event?" (multikey over the batch's event ids).
    { key: { workspaceId: 1, webhookId: 1, eventIds: 1 }, name: 'workspace_webhook_events' },
    // Retention by the delivery's own time.
    { key: { workspaceId: 1, createdAt: 1 }, name: 'workspace_created' },
  ],
  delivery_attempts: [
    // A retried attempt activity rewrites its own row instead of adding one.
    { key: { workspaceId: 1, deliveryId: 1, attempt: 1 }, name: 'workspace_delivery_attempt_unique', unique: true },
    { key: { workspaceId: 1, startedAt: 1 }, name: 'workspace_started' },
  ],
  webhooks: [
    // A record call in a workspace with enabled destinations asks for them (by the workspace alone,
    // `enabled` checked in code); so does the supervisor, for workspaces with new events.
    { key: { workspaceId: 1, enabled: 1 }, name: 'workspace_enabled' },
    // The supervisor's hourly walk of every enabled destination.
    { key: { enabled: 1, _id: 1 }, name: 'enabled_id' },
    // The supervisor's pass: destinations created or changed since its last pass, by the minutes
    // of its window.
    { key: { changedIn: 1, updatedAt: 1, _id: 1 }, name: 'changed_minute' },
  ],
  // The stream log is read by `_id` only; these serve positioning by time and retention.
  stream_claims: [
    { key: { workspaceId: 1, first: -1 }, name: 'workspace_first' },
    { key: { workspaceId: 1, claimedAt: 1 }, name: 'workspace_claimed' },
  ],
  webhook_streams: [{ key: { workspaceId: 1, webhookId: 1, kind: 1, _id: -1 }, name: 'workspace_webhook_kind' }],
  retention_runs: [
    // `lastPurgeAt` in retention.status, and the report clean-up.
    { key: { status: 1, finishedAt: -1 }, name: 'status_finished' },
    { key: { startedAt: 1 }, name: 'started' },
  ],
  api_keys: [
    // Authentication looks a key up by its hash on every request.
    { key: { hash: 1 }, name: 'hash_unique', unique: true },
    // admin.apiKeys.list: an organization's keys (a workspace's are among them), oldest first.
    { key: { organizationId: 1, _id: 1 }, name: 'organization_keys' },
  ],
  // Checkpoints are read by `_id`; this serves the export's walk of one workspace in order (MongoDB).
  checkpoints: [{ key: { workspaceId: 1, number: 1 }, name: 'workspace_number' }],
  purge_records: [{ key: { workspaceId: 1, _id: 1 }, name: 'workspace_id' }],
  // Slots are claimed and read by `_id`; this serves only the sweep of ended windows (MongoDB).
  rate_limit_slots: [{ key: { expiresAt: 1 }, name: 'expires' }],
};

/** Indexes earlier versions made that nothing queries any more: dropped at start, if present. */
const OBSOLETE: Record<string, string[]> = {
  // Heads moved to `stream_heads` (see StreamHeadsStore).
  workspaces: ['events_minute'],
};

export async function ensureIndexes(db: Db, extra: Record<string, IndexDescription[]> = {}): Promise<void> {
  const all: Record<string, IndexDescription[]> = { ...INDEXES };
  for (const [name, specs] of Object.entries(extra)) all[name] = [...(all[name] ?? []), ...specs];
  for (const [collection, specs] of Object.entries(all)) {
    // One index per command: FerretDB 1.24 panics on a multi-index createIndexes whose indexes
    // already exist (every start after the first).
    for (const spec of specs) await db.collection(collection).createIndexes([spec]);
  }
  for (const [collection, names] of Object.entries(OBSOLETE)) {
    const present = new Set((await db.collection(collection).listIndexes().toArray()).map((ix) => ix.name as string));
    for (const name of names) if (present.has(name)) await db.collection(collection).dropIndex(name);
  }
}
