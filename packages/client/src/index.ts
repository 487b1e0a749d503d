export * from './create-client.ts';
export { DEFAULT_RETRY, type RetryOptions } from './retrying-fetch.ts';
