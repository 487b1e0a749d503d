import { CATALOGUE, type Category, type RecordEventInput } from '@audit/shared';
import { seeded } from '../stats.ts';
import {
  ENVIRONMENTS,
  FIRST_NAMES,
  LAST_NAMES,
  RARE,
  REPOSITORIES,
  SERVICES,
  USER_AGENTS,
  WORDS,
} from './vocabulary.ts';

/**
 * Realistic, varied events for large histories: every recordable category at a share a busy
 * infrastructure team produces, a few hundred users (some far busier than others), bots and the
 * system, targets that fit the category, and descriptions whose words follow a Zipf law. Pure and
 * deterministic: event `i` of a given `seed` is always the same event, so parallel writers each
 * make their own share and a benchmark knows what it will find.
 */

/** Share of each category, in percent (sums to 100). */
const CATEGORY_WEIGHTS: [Category, number][] = [
  ['workflow', 28],
  ['auth', 14],
  ['pull_request', 12],
  ['lock', 10],
  ['instance', 8],
  ['release', 5],
  ['github', 4],
  ['schedule', 4],
  ['permission', 4],
  ['workspace', 3],
  ['billing', 3],
  ['team_member', 3],
  ['entitlement', 2],
];

const USERS = 400;

/** murmur3's finaliser: neighbouring indexes must not start neighbouring sequences. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Cumulative Zipf weights (s = 1) over `n` ranks. */
function zipf(n: number): number[] {
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 1; r <= n; r++) cumulative.push((sum += 1 / r));
  return cumulative.map((c) => c / sum);
}
const WORD_RANKS = zipf(WORDS.length);
const USER_RANKS = zipf(USERS);

function pickRank(cumulative: number[], u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const pick = <T>(list: readonly T[], rnd: () => number): T => list[Math.floor(rnd() * list.length)]!;

function pickCategory(u: number): Category {
  let acc = 0;
  for (const [category, weight] of CATEGORY_WEIGHTS) if ((acc += weight) > u * 100) return category;
  return CATEGORY_WEIGHTS[0]![0];
}

export function userActor(n: number): RecordEventInput['actor'] {
  const first = FIRST_NAMES[n % FIRST_NAMES.length]!;
  const last = LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length]!;
  const email = `${first}.${last}${n}@example.com`.toLowerCase();
  return { type: 'user', id: `usr_${String(n).padStart(4, '0')}`, name: `${first} ${last}`, email };
}

function actorOf(rnd: () => number): RecordEventInput['actor'] {
  const u = rnd();
  if (u < 0.05) return { type: 'github_app', id: 'app_atmos_pro', name: 'Atmos Pro GitHub App' };
  if (u < 0.1) return { type: 'api_key', id: `key_ci_${Math.floor(rnd() * 6)}`, name: 'CI deploy key' };
  if (u < 0.14) return { type: 'system', id: 'scheduler', name: 'Scheduler' };
  return userActor(pickRank(USER_RANKS, rnd()));
}

function stack(rnd: () => number) {
  const env = pick(ENVIRONMENTS, rnd);
  const svc = pick(SERVICES, rnd);
  return { type: 'stack', id: `stk_${env}_${svc}`, name: `${env}-${svc}` };
}

function targetOf(category: Category, rnd: () => number): NonNullable<RecordEventInput['target']> {
  const n = Math.floor(rnd() * 5000);
  const repo = pick(REPOSITORIES, rnd);
  const member = userActor(n % USERS);
  const title = `${pick(WORDS, rnd)} ${pick(WORDS, rnd)}`;
  switch (category) {
    case 'workflow':
    case 'lock':
    case 'instance':
      return stack(rnd);
    case 'pull_request':
      return { type: 'pull_request', id: `pr_${n}`, name: `#${n} ${title}` };
    case 'github':
      return { type: 'repository', id: `repo_${repo}`, name: `acme/${repo}` };
    case 'release':
      return { type: 'release', id: `rel_${n}`, name: `v2.${n % 90}.${n % 7}` };
    case 'schedule':
      return { type: 'schedule', id: `sch_${n % 40}`, name: 'nightly drift check' };
    case 'team_member':
      return { type: 'member', id: member.id, name: member.name! };
    case 'permission':
      return { type: 'role', id: `role_${pick(['admin', 'editor', 'viewer'], rnd)}`, name: 'role' };
    case 'auth':
      return { type: 'oidc_provider', id: 'github-actions', name: 'GitHub Actions OIDC' };
    case 'billing':
      return { type: 'subscription', id: `sub_${n % 300}`, name: 'Enterprise annual' };
    case 'entitlement':
      return { type: 'plan', id: pick(['enterprise', 'team', 'free'], rnd) };
    default:
      return { type: 'workspace', id: 'main', name: 'main workspace' };
  }
}

function descriptionOf(action: string, target: { name?: string | undefined; id: string }, rnd: () => number): string {
  const words: string[] = [`${action.replaceAll('_', ' ')} ${target.name ?? target.id}`];
  if (action === 'drift_status_updated' && rnd() < 0.5) words.push('drift detected');
  const count = 2 + Math.floor(rnd() * 6);
  for (let k = 0; k < count; k++) words.push(WORDS[pickRank(WORD_RANKS, rnd())]!);
  if (rnd() < 0.002) words.push(pick(RARE, rnd));
  return words.join(' ');
}

/** Event `i` of the history `seed`, as a client sends it to `events.record`. */
export function historyEvent(i: number, seed: number): RecordEventInput {
  const rnd = seeded(mix(Math.imul(i + 1, 0x9e3779b1) ^ mix(seed)));
  const category = pickCategory(rnd());
  const action = pick(CATALOGUE[category], rnd);
  const target = targetOf(category, rnd);
  return {
    category,
    action,
    actor: actorOf(rnd),
    target,
    description: descriptionOf(action, target, rnd),
    metadata: {
      source: pick(['cli', 'ui', 'ci', 'api'], rnd),
      durationMs: Math.floor(rnd() * 90_000),
      attempt: 1 + Math.floor(rnd() * 3),
      region: pick(['eu-west-1', 'us-east-1', 'ap-south-1'], rnd),
    },
    context: { ip: `203.0.113.${1 + Math.floor(rnd() * 250)}`, userAgent: pick(USER_AGENTS, rnd) },
  };
}
