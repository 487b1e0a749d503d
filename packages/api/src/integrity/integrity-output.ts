import { z } from 'zod';

const Ranges = z
  .array(z.object({ first: z.number().int(), last: z.number().int() }))
  .meta({ description: 'Inclusive ranges of seq, ascending.' });

export const CheckpointOutput = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    number: z.number().int().positive(),
    count: z.number().int().nonnegative(),
    seqs: Ranges,
    from: z.number().int(),
    through: z.number().int(),
    root: z
      .string()
      .meta({ description: 'RFC 6962 Merkle tree hash (hex) of the covered events’ hashes in seq order.' }),
    previous: z
      .string()
      .nullable()
      .meta({ description: 'SHA-256 (hex) of the previous checkpoint’s canonical JSON; null for #1.' }),
    sealedAt: z.string(),
    keyId: z.string(),
    signature: z.string().meta({ description: 'Ed25519 (base64) over the canonical JSON of every other field.' }),
  })
  .meta({ id: 'Checkpoint' });

export const CheckpointPageOutput = z.object({
  items: z.array(CheckpointOutput).meta({ description: 'Newest first.' }),
  nextCursor: z.string().nullable().meta({ description: 'Older checkpoints; null on the last page.' }),
});

const ProofBase = { eventId: z.string(), seq: z.number().int(), hash: z.string().nullable() };

export const ProofOutput = z
  .discriminatedUnion('sealed', [
    z.object({ ...ProofBase, sealed: z.literal(false) }),
    z.object({
      ...ProofBase,
      sealed: z.literal(true),
      checkpoint: CheckpointOutput,
      leafIndex: z.number().int().nonnegative(),
      treeSize: z.number().int().positive(),
      path: z.array(z.string()).meta({ description: 'RFC 6962 audit path, hex, leaf to root.' }),
    }),
  ])
  .meta({ id: 'InclusionProof' });

export type Proof = z.infer<typeof ProofOutput>;
