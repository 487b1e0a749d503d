import { eventHash } from '@audit/shared/integrity/event-hash';
import type { EventDoc } from '../documents.ts';

/** The hash of a stored event: the shared definition over its API field names (`_id` is `id`). */
export function eventHashOf(doc: Omit<EventDoc, 'hash'>): string {
  return eventHash({ ...doc, id: doc._id });
}
