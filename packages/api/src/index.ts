export * from './app.ts';
export * from './deps.ts';
export * from './router.ts';
export * from './temporal-client.ts';
export { createContext } from './trpc/context.ts';
export { createCallerFactory } from './trpc/procedures.ts';
export type { Principal } from './auth/authenticate.ts';
