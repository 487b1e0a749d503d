import { ensureTools } from '@audit/local-servers';

/** `npm run tools`: build the local Temporal dev server and FerretDB now rather than on first use. */
const tools = await ensureTools((l) => process.stdout.write(`${l}\n`));
process.stdout.write(`temporal: ${tools.temporal}\nferretdb: ${tools.ferretdb}\n`);
