import type { Collection, Db } from 'mongodb';
import type { Plan } from '@audit/shared';
import type { OrganizationDoc, WorkspaceDoc } from './documents.ts';
import { findOwned } from './tenant-lookup.ts';

export class OrganizationsStore {
  readonly col: Collection<OrganizationDoc>;
  constructor(db: Db) {
    this.col = db.collection<OrganizationDoc>('organizations');
  }

  async insert(doc: OrganizationDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  findById(id: string): Promise<OrganizationDoc | null> {
    return this.col.findOne({ _id: id });
  }
}

export class WorkspacesStore {
  readonly col: Collection<WorkspaceDoc>;
  constructor(db: Db) {
    this.col = db.collection<WorkspaceDoc>('workspaces');
  }

  async insert(doc: WorkspaceDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  findById(id: string): Promise<WorkspaceDoc | null> {
    return this.col.findOne({ _id: id });
  }

  /** A workspace only if it belongs to the organization: the tenant check for organization keys. */
  findInOrganization(organizationId: string, id: string): Promise<WorkspaceDoc | null> {
    return findOwned(this.col, id, { organizationId });
  }

  listForOrganization(organizationId: string, plans?: Plan[]): Promise<WorkspaceDoc[]> {
    const filter = plans ? { organizationId, plan: { $in: plans } } : { organizationId };
    return this.col.find(filter).sort({ _id: 1 }).limit(10_000).toArray();
  }

  /** Returns the workspace as it was before the change, or null when it does not exist. */
  setPlan(id: string, plan: Plan, now: Date): Promise<WorkspaceDoc | null> {
    return this.col.findOneAndUpdate({ _id: id }, { $set: { plan, updatedAt: now } }, { returnDocument: 'before' });
  }

  /** Keyset walk over every workspace of the given plans, for the retention purge. */
  pageByPlan(plans: Plan[], afterId: string | null, limit: number): Promise<WorkspaceDoc[]> {
    const filter = afterId ? { plan: { $in: plans }, _id: { $gt: afterId } } : { plan: { $in: plans } };
    return this.col.find(filter).sort({ _id: 1 }).limit(limit).toArray();
  }
}
