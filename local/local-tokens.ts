import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import * as z from 'zod';
import { TokenClaims } from '../shared/http/claims';

export const LOCAL_ISSUER = 'ticketflow-local';
export const LOCAL_AUDIENCE = 'ticketflow-api';
const TOKEN_TTL_SECONDS = 12 * 3600;

/** Body of `POST /_local/token`: the claims the AWS authorizer would pass, nothing more. */
export const TokenRequest = z
  .strictObject({ ...TokenClaims.shape, email: z.email().optional() })
  .refine((r) => (r.role === 'finance') === (r.tid === undefined), {
    message: 'every role but finance needs a tid; finance has none',
    path: ['tid'],
  });

/**
 * Signs and verifies the local runtime's tokens (HS256 with a secret kept in
 * the data folder, so tokens survive a restart). In AWS the Cognito user pool
 * issues them and the API Gateway JWT authorizer verifies them.
 */
export class LocalTokenIssuer {
  private constructor(private readonly secret: Uint8Array) {}

  static fromFile(path: string): LocalTokenIssuer {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    return new LocalTokenIssuer(Buffer.from(readFileSync(path, 'utf8'), 'base64'));
  }

  sign(claims: z.infer<typeof TokenRequest>, ttlSeconds = TOKEN_TTL_SECONDS): Promise<string> {
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(claims.sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.secret);
  }

  /** The claims as API Gateway hands them to a Lambda: every value a string. */
  async verify(token: string): Promise<Record<string, string> | { error: string }> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ['HS256'] });
      return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { error: 'The token has expired.' };
      return { error: 'The token is not valid.' };
    }
  }
}
