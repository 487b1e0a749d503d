import { checkOccurredAt, newId, searchTokens, type AuditEvent, type RecordEventInput } from '@audit/shared';
import type { EventDoc, ListQuery, NewEvent, WorkspaceDoc } from '@audit/store';
import type { ApiDeps } from '../deps.ts';
import { invalidField, notFound } from '../errors.ts';
import { decodeCursor, encodeCursor, type Direction } from './cursor.ts';
import { toAuditEvent } from './event-view.ts';
import { wakerFor } from '../webhooks/stream-waker.ts';
import { summarize, toListItem, type ListItem, type WorkspaceSummary } from './list-item.ts';
import type { PreparedSearch } from './search-query.ts';

export interface RecordResult {
  event: AuditEvent;
  /** False when the idempotency key matched an event already stored. */
  created: boolean;
}

/**
 * Records events of one workspace, all or nothing for validation: one bad event refuses the
 * batch before anything is written.
 */
export async function recordEvents(
  deps: ApiDeps,
  workspace: WorkspaceDoc,
  inputs: RecordEventInput[],
  pathPrefix: (string | number)[] = [],
): Promise<RecordResult[]> {
  const now = deps.clock();
  const docs: NewEvent[] = inputs.map((input, i) => {
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
    const problem = checkOccurredAt(occurredAt, now);
    if (problem)
      throw invalidField(
        [...pathPrefix, ...(inputs.length > 1 || pathPrefix.length ? [i] : []), 'occurredAt'],
        problem,
      );
    return toNewEvent(workspace, input, occurredAt, now);
  });
  // Stored in the stream log with them, so no stream can miss them; the wake-up is only a hint.
  const results = await deps.store.events.insertForWorkspace(workspace._id, docs);
  deps.metrics?.eventsRecorded(results.filter((r) => r.created).map((r) => r.event.category));
  wakerFor(deps).notify(workspace, [...new Set(results.filter((r) => r.created).map((r) => r.event.category))]);
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
  const [result] = await recordEvents(deps, workspace, [
    { actor: { type: 'system', id: 'audit-log', name: 'Audit log service' }, ...event },
  ]);
  return result!.event;
}

export interface ListPage {
  items: ListItem[];
  /** Older rows; null on the last page. */
  nextCursor: string | null;
  /** Newer rows; null on the first page. */
  prevCursor: string | null;
  /** The workspaces this page was read from (after any `workspace:` qualifier). */
  workspaces: WorkspaceSummary[];
}

/**
 * One page, newest first. Cursors are keyset positions `(recordedAt, id)`, so events recorded
 * while someone pages never shift a page: no row twice, none skipped.
 */
export async function listEvents(
  deps: ApiDeps,
  search: PreparedSearch,
  page: { limit: number; cursor?: string | undefined },
): Promise<ListPage> {
  const workspaces = summarize(search.workspaces);
  if (search.workspaces.length === 0) return { items: [], nextCursor: null, prevCursor: null, workspaces };
  const ids = search.workspaces.map((w) => w._id);
  const names = new Map(workspaces.map((w) => [w.id, w.name]));
  const cursor = page.cursor ? decodeCursor(page.cursor) : undefined;
  const query = (position: Partial<ListQuery>) =>
    deps.store.events.listForWorkspaces(ids, { limit: page.limit + 1, filter: search.filter, ...position });

  if (cursor?.direction === 'newer') {
    const newer = await query({ after: cursor });
    // Fewer newer rows than a page means the top was reached: show the first page, full.
    if (newer.length >= page.limit) {
      const rows = newer.slice(0, page.limit).reverse();
      const hasNewer = newer.length > page.limit;
      return {
        items: rows.map((d) => toListItem(d, names)),
        nextCursor: positionOf(rows.at(-1), 'older'),
        prevCursor: hasNewer ? positionOf(rows[0], 'newer') : null,
        workspaces,
      };
    }
  }
  const before = cursor?.direction === 'older' ? cursor : undefined;
  const docs = await query({ before });
  const rows = docs.slice(0, page.limit);
  return {
    items: rows.map((d) => toListItem(d, names)),
    nextCursor: docs.length > page.limit ? positionOf(rows.at(-1), 'older') : null,
    prevCursor: before ? positionOf(rows[0], 'newer') : null,
    workspaces,
  };
}

function positionOf(doc: EventDoc | undefined, direction: Direction): string | null {
  return doc ? encodeCursor({ recordedAt: doc.recordedAt, id: doc._id }, direction) : null;
}

export async function getEvent(deps: ApiDeps, workspaceId: string, id: string): Promise<AuditEvent> {
  const doc = await deps.store.events.findForWorkspace(workspaceId, id);
  if (!doc) throw notFound('event', id);
  return toAuditEvent(doc);
}
