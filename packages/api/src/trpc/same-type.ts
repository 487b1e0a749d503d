/**
 * True when each of A and B is assignable to the other. An output schema is checked against the
 * service's own return type with it: a field missing on either side fails the type check, so
 * the OpenAPI document cannot drift from what the API returns.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
