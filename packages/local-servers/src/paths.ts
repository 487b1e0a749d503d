import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: tools and local data live in git-ignored folders beside the packages. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TOOLS_DIR = join(REPO_ROOT, '.tools');
export const TOOLS_BIN = join(TOOLS_DIR, 'bin');
export const DATA_DIR = join(REPO_ROOT, '.data');
