/**
 * The words of generated event histories. Description words are drawn by rank (Zipf), so the
 * first ones are in a large share of events and the last ones in a few per thousand; RARE words
 * appear a few times per hundred thousand events. NEEDLE appears in none of them: a benchmark
 * inserts it once to time a search with a single match.
 */
export const NEEDLE = 'zanzibar';

/** By rank: the first word is the most common. */
export const WORDS = [
  'deploy', 'production', 'plan', 'apply', 'terraform', 'pipeline', 'run', 'main', 'branch', 'change',
  'update', 'config', 'module', 'state', 'review', 'merge', 'token', 'policy', 'nightly', 'manual',
  'approved', 'triggered', 'check', 'failed', 'succeeded', 'timeout', 'retry', 'rollback', 'drift', 'detected',
  'resource', 'network', 'database', 'cluster', 'bucket', 'secret', 'rotation', 'webhook', 'commit', 'tag',
  'version', 'hotfix', 'incident', 'oncall', 'migration', 'cleanup', 'backup', 'restore', 'quota', 'invoice',
  'upgrade', 'downgrade', 'trial', 'renewal', 'seat', 'invite', 'role', 'admin', 'viewer', 'editor',
  'owner', 'sync', 'refresh', 'lint', 'validate', 'cost', 'estimate', 'budget', 'alert', 'threshold',
  'latency', 'region', 'zone', 'replica', 'failover', 'snapshot', 'certificate', 'expiry', 'ingress', 'egress',
  'firewall', 'subnet', 'peering', 'gateway', 'queue', 'topic', 'stream', 'lambda', 'container', 'image',
  'registry', 'scan', 'vulnerability', 'patch', 'kernel', 'runtime', 'provider', 'workspace', 'variable', 'output',
  'import', 'export', 'approval', 'reviewer', 'comment', 'label', 'milestone', 'draft', 'conflict', 'rebase',
  'canary', 'bluegreen', 'freeze', 'window', 'maintenance', 'capacity', 'autoscale', 'throttle', 'burst', 'credit',
  'ledger', 'reconcile', 'settlement', 'chargeback', 'refund', 'dunning', 'proration', 'entitlement', 'feature', 'flag',
  'experiment', 'cohort', 'tenant', 'sandbox', 'staging', 'preview', 'ephemeral', 'teardown', 'bootstrap', 'seed',
] as const;

/** Each in a few events per hundred thousand. */
export const RARE = [
  'quiescent', 'byzantine', 'heisenbug', 'bikeshed', 'serendipity', 'halcyon', 'obsidian', 'labyrinth', 'zephyr',
  'quokka', 'axolotl', 'narwhal', 'pangolin', 'ocelot', 'marmoset', 'tardigrade', 'kumquat', 'persimmon', 'gossamer',
  'palimpsest',
] as const;

export const FIRST_NAMES = [
  'Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger',
  'Radia', 'Hedy', 'John', 'Katherine', 'Donald', 'Sophie', 'Guido', 'Anders', 'Yukihiro', 'Joan',
] as const;

export const LAST_NAMES = [
  'Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra',
  'Perlman', 'Lamarr', 'Backus', 'Johnson', 'Knuth', 'Wilson', 'Rossum', 'Hejlsberg', 'Matsumoto', 'Clarke',
] as const;

/** Environments by weight: production is the busiest. */
export const ENVIRONMENTS = ['prod', 'prod', 'staging', 'dev', 'qa', 'sandbox'] as const;
export const SERVICES = [
  'vpc', 'eks', 'rds', 'api', 'billing', 'search', 'queue', 'cdn', 'iam', 'dns', 'cache', 'ledger',
] as const;
export const REPOSITORIES = [
  'infra-live', 'platform-modules', 'payments', 'web-app', 'mobile-api', 'data-lake', 'observability', 'iam-policies',
] as const;
export const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)', 'Mozilla/5.0 (X11; Linux x86_64)', 'atmos-cli/1.84.0',
  'terraform/1.9.5', 'GitHub-Hookshot/8f3c2a1',
] as const;
