import * as z from 'zod';
const S = z.object({ a: z.string().min(1).max(10).optional(), b: z.enum(['x','y']), c: z.array(z.number().int()).nullable(), d: z.union([z.literal('q'), z.object({ e: z.boolean() })]), f: z.string().regex(/a/).describe('f') }).strict();
export const r = S.safeParse(JSON.parse(process.argv[2] ?? '{}'));
console.log(r.success);
