import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The module the worker bundles: every workflow function, and nothing that does I/O. */
export const WORKFLOWS_PATH = join(dirname(fileURLToPath(import.meta.url)), 'workflows', 'index.ts');
