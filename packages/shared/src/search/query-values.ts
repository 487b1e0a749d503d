import { CATALOGUE, CATEGORIES, type Category } from '../catalogue.ts';

/** `category.action`, or every action of a category (`lock.*`). */
export interface ActionRef {
  category: Category;
  action: string | null;
}

/** A value that could not be read, with the reason. */
export interface Invalid {
  error: string;
}

export function isInvalid(v: unknown): v is Invalid {
  return typeof v === 'object' && v !== null && 'error' in v;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A day is its UTC midnight; an instant must carry its offset, so a query means the same anywhere. */
export function parseInstant(value: string): Date | Invalid {
  const day = DATE_ONLY.exec(value);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
      return { error: `"${value}" is not a calendar date` };
    return date;
  }
  if (INSTANT.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  return { error: `"${value}" is not a date (2026-11-30) or an ISO instant with offset (2026-11-30T05:00:00Z)` };
}

function isCategory(name: string): name is Category {
  return Object.hasOwn(CATALOGUE, name);
}

export function parseCategory(value: string): Category | Invalid {
  const name = value.toLowerCase();
  return isCategory(name) ? name : { error: `"${value}" is not a category (known: ${CATEGORIES.join(', ')})` };
}

/** `lock.created`, `lock.*`, or a bare action such as `created`, which means it in every category. */
export function parseAction(value: string): ActionRef[] | Invalid {
  const lower = value.toLowerCase();
  const dot = lower.indexOf('.');
  if (dot === -1) {
    const refs = CATEGORIES.filter((c) => (CATALOGUE[c] as readonly string[]).includes(lower)).map((category) => ({
      category,
      action: lower,
    }));
    return refs.length > 0
      ? refs
      : { error: `"${value}" is not an action of any category; write category.action, e.g. lock.created, or lock.*` };
  }
  const category = lower.slice(0, dot);
  const action = lower.slice(dot + 1);
  if (!isCategory(category)) return { error: `"${category}" is not a category (known: ${CATEGORIES.join(', ')})` };
  if (action === '*') return [{ category, action: null }];
  const known = CATALOGUE[category] as readonly string[];
  if (!known.includes(action))
    return { error: `"${action}" is not an action of category "${category}" (known: ${known.join(', ')}, or *)` };
  return [{ category, action }];
}
