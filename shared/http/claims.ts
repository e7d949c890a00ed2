import * as z from 'zod';
import { LOCALES, ROLES, SYSTEM_SUB } from '../domain/identity';

/** Tenant ids: short, lower-case, safe inside every key and execution name. */
export const TenantId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/);

/**
 * The claims a Ticketflow token carries (CONTRACT section 2), as the JWT
 * authorizer passes them: what the handlers accept and what the local token
 * endpoint issues.
 */
export const TokenClaims = z.object({
  // `system` is reserved for automations: no token may act as them.
  sub: z
    .string()
    .min(1)
    .max(200)
    .refine((sub) => sub !== SYSTEM_SUB, 'reserved for automations'),
  tid: TenantId.optional(),
  role: z.enum(ROLES),
  org: z.string().min(1).max(200).optional(),
  email: z.string().min(1).optional(),
  locale: z.enum(LOCALES).optional(),
});
