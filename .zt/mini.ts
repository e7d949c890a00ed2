import * as z from 'zod/mini';
const S = z.strictObject({ a: z.optional(z.string().check(z.minLength(1), z.maxLength(10))), b: z.enum(['x','y']), c: z.nullable(z.array(z.number().check(z.int()))), d: z.union([z.literal('q'), z.object({ e: z.boolean() })]), f: z.string().check(z.regex(/a/), z.describe('f')) });
export const r = S.safeParse(JSON.parse(process.argv[2] ?? '{}'));
console.log(r.success);
