export * from './create-client.ts';
export { DEFAULT_RETRY, retryingFetch, type RetryOptions } from './retrying-fetch.ts';
export { RateLimitWaitExceeded } from './retry-after.ts';
