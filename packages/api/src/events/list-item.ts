import type { AuditEvent } from '@audit/shared';
import type { EventDoc, WorkspaceDoc } from '@audit/store';
import { toAuditEvent } from './event-view.ts';

/** A row of the audit log: the event, plus what the table shows without a second request. */
export type ListItem = AuditEvent & {
  workspaceName: string;
  hasMetadata: boolean;
};

export interface WorkspaceSummary {
  id: string;
  name: string;
}

export function toListItem(doc: EventDoc, names: ReadonlyMap<string, string>): ListItem {
  return {
    ...toAuditEvent(doc),
    workspaceName: names.get(doc.workspaceId) ?? '',
    hasMetadata: Object.keys(doc.metadata).length > 0,
  };
}

export function summarize(workspaces: WorkspaceDoc[]): WorkspaceSummary[] {
  return workspaces.map((w) => ({ id: w._id, name: w.name }));
}
