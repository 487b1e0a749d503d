// @ts-check
// The catalogue's categories, for the filter; a unit test keeps this list equal to @audit/shared.
export const CATEGORIES = [
  'workspace',
  'team_member',
  'github',
  'permission',
  'schedule',
  'workflow',
  'pull_request',
  'release',
  'instance',
  'lock',
  'auth',
  'billing',
  'entitlement',
  'audit',
];
