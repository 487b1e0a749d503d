import { checkOccurredAt, newId, searchTokens, type AuditEvent, type RecordEventInput } from '@audit/shared';
import type { NewEvent, WorkspaceDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import { invalidField, notFound } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { toAuditEvent } from './event-view.ts';

export interface RecordResult {
  event: AuditEvent;
  /** False when the idempotency key matched an event already stored. */
  created: boolean;
}

/**
 * Records events of one workspace, all or nothing for validation: one bad event refuses the
 * batch before anything is written.
 */
export async function recordEvents(deps: ApiDeps, workspace: WorkspaceDoc, inputs: RecordEventInput[], pathPrefix: (string | number)[] = []): Promise<RecordResult[]> {
  const now = deps.clock();
  const docs: NewEvent[] = inputs.map((input, i) => {
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
    const problem = checkOccurredAt(occurredAt, now);
    if (problem) throw invalidField([...pathPrefix, ...(inputs.length > 1 || pathPrefix.length ? [i] : []), 'occurredAt'], problem);
    return toNewEvent(workspace, input, occurredAt, now);
  });
  const results = await deps.store.events.insertForWorkspace(workspace._id, docs);
  return results.map((r) => ({ event: toAuditEvent(r.event), created: r.created }));
}

function toNewEvent(ws: WorkspaceDoc, input: RecordEventInput, occurredAt: Date, now: Date): NewEvent {
  const id = newId('event', now.getTime());
  return {
    _id: id,
    workspaceId: ws._id,
    organizationId: ws.organizationId,
    category: input.category,
    action: input.action,
    actor: stripUndefined(input.actor),
    target: input.target ? stripUndefined(input.target) : null,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    occurredAt,
    recordedAt: now,
    context: stripUndefined(input.context ?? {}),
    idempotencyKey: input.idempotencyKey ?? null,
    idem: input.idempotencyKey ?? `auto:${id}`,
    tokens: searchTokens(input),
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Events the service itself records (admin changes, settings changes), as the system actor. */
export async function recordSystemEvent(
  deps: ApiDeps,
  workspace: WorkspaceDoc,
  event: Omit<RecordEventInput, 'actor'> & { actor?: RecordEventInput['actor'] },
): Promise<AuditEvent> {
  const [result] = await recordEvents(deps, workspace, [{ actor: { type: 'system', id: 'audit-log', name: 'Audit log service' }, ...event }]);
  return result!.event;
}

export interface ListInput {
  limit: number;
  cursor?: string | undefined;
}

export interface ListResult {
  items: AuditEvent[];
  nextCursor: string | null;
}

export async function listEvents(deps: ApiDeps, workspaceIds: string[], input: ListInput, filter?: Parameters<ApiDeps['store']['events']['listForWorkspaces']>[1]['filter']): Promise<ListResult> {
  const before = input.cursor ? decodeCursor(input.cursor) : undefined;
  const docs = await deps.store.events.listForWorkspaces(workspaceIds, { limit: input.limit + 1, before, filter });
  const page = docs.slice(0, input.limit);
  const last = page.at(-1);
  const nextCursor = docs.length > input.limit && last ? encodeCursor({ recordedAt: last.recordedAt, id: last._id }) : null;
  return { items: page.map(toAuditEvent), nextCursor };
}

export async function getEvent(deps: ApiDeps, workspaceId: string, id: string): Promise<AuditEvent> {
  const doc = await deps.store.events.findForWorkspace(workspaceId, id);
  if (!doc) throw notFound('event', id);
  return toAuditEvent(doc);
}
