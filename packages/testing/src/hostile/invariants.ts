import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Db } from 'mongodb';
import { AuditEventSchema, checkOccurredAt, RecordEventInputSchema } from '@audit/shared';
import type { EventDoc } from '@audit/store';
import { toAuditEvent } from '@audit/api';

/** Paths of keys the database would read as operators or dotted paths. */
export function operatorKeyPaths(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null || value instanceof Date) return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const here = `${path}/${key}`;
    if (key.startsWith('$') || key.includes('.') || key.includes('\u0000')) found.push(here);
    found.push(...operatorKeyPaths(child, here));
  }
  return found;
}

/** Why a stored event would not be accepted if it were sent again today, or nothing. */
export function storedEventProblems(doc: EventDoc): string[] {
  const problems: string[] = [];
  const view = AuditEventSchema.safeParse(toAuditEvent(doc));
  if (!view.success) problems.push(`view: ${view.error.message}`);
  const resent = RecordEventInputSchema.safeParse({
    category: doc.category,
    action: doc.action,
    actor: doc.actor,
    ...(doc.target ? { target: doc.target } : {}),
    description: doc.description,
    metadata: doc.metadata,
    occurredAt: doc.occurredAt.toISOString(),
    context: doc.context,
    ...(doc.idempotencyKey !== null ? { idempotencyKey: doc.idempotencyKey } : {}),
  });
  if (!resent.success) problems.push(`input: ${resent.error.message}`);
  const skew = checkOccurredAt(doc.occurredAt, doc.recordedAt);
  if (skew) problems.push(`occurredAt: ${skew}`);
  if (doc.idem !== (doc.idempotencyKey ?? `auto:${doc._id}`)) problems.push('idem does not follow the idempotency key');
  if (!Array.isArray(doc.tokens) || doc.tokens.some((t) => typeof t !== 'string'))
    problems.push('tokens are not strings');
  return problems.map((p) => `${doc._id}: ${p}`);
}

/**
 * Reads every document of every collection: no operator key anywhere, every event valid, and
 * every event's organization the one its workspace belongs to.
 */
export async function databaseProblems(db: Db): Promise<{ problems: string[]; events: number }> {
  const problems: string[] = [];
  const orgOf = new Map<string, string>();
  for (const ws of await db.collection<{ _id: string; organizationId: string }>('workspaces').find().toArray())
    orgOf.set(ws._id, ws.organizationId);
  let events = 0;
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for await (const doc of db.collection(name).find()) {
      for (const p of operatorKeyPaths(doc))
        problems.push(`${name} ${String(doc._id)}: operator or dotted key ${JSON.stringify(p)}`);
      if (name !== 'events') continue;
      events += 1;
      const event = doc as unknown as EventDoc;
      problems.push(...storedEventProblems(event));
      if (orgOf.get(event.workspaceId) !== event.organizationId)
        problems.push(`${event._id}: organization does not own workspace ${event.workspaceId}`);
    }
  }
  return { problems: problems.slice(0, 20), events };
}

const PROTOTYPES: [string, object][] = [
  ['Object', Object.prototype],
  ['Array', Array.prototype],
  ['Function', Function.prototype],
  ['String', String.prototype],
];

export function prototypeSnapshot(): Map<string, string[]> {
  return new Map(PROTOTYPES.map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]));
}

/** Properties added to or removed from the built-in prototypes since the snapshot. */
export function prototypeChanges(before: Map<string, string[]>): string[] {
  const now = prototypeSnapshot();
  const changes: string[] = [];
  for (const [name, keys] of now) {
    const old = before.get(name) ?? [];
    for (const k of keys) if (!old.includes(k)) changes.push(`${name}.prototype gained ${k}`);
    for (const k of old) if (!keys.includes(k)) changes.push(`${name}.prototype lost ${k}`);
  }
  return changes;
}

let gc: (() => void) | undefined;

/** Heap in use after a full collection: growth between two readings is what was retained. */
export function heapUsedAfterGc(): number {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * What the API must return for an accepted event sent with this input. Without a `requestId`
 * of its own, the event carries its request's: `requestId` is that one (a UUID from createCaller).
 */
export function expectedView(input: Record<string, unknown>, requestId?: unknown): Record<string, unknown> {
  const sent = (input['context'] ?? {}) as Record<string, unknown>;
  const context = sent['requestId'] ? sent : { ...sent, requestId };
  const occurredAt = typeof input['occurredAt'] === 'string' ? new Date(input['occurredAt']).toISOString() : undefined;
  return JSON.parse(
    JSON.stringify({
      category: input['category'],
      action: input['action'],
      actor: input['actor'],
      target: input['target'] ?? null,
      description: input['description'] ?? null,
      metadata: input['metadata'] ?? {},
      context,
      idempotencyKey: input['idempotencyKey'] ?? null,
      ...(occurredAt ? { occurredAt } : {}),
    }),
  ) as Record<string, unknown>;
}
