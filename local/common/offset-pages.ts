/**
 * Offset pagination for the local emulators' List* operations. The `nextToken` is base64url JSON
 * `{o, s}`: the offset of the next item and the scope (the listing and its filters), so a token
 * handed out by one listing is refused by another instead of silently paging the wrong list.
 */

export interface PageRules {
  /** Page size when the caller gives none. */
  readonly defaultSize: number;
  /** Largest page size the caller may ask for. */
  readonly maxSize: number;
  /** Whether an explicit `0` asks for the default size (Step Functions) instead of being invalid. */
  readonly zeroMeansDefault?: boolean;
  /** The service's own error for a page size that is not an integer in 1..maxSize. */
  readonly invalidSize: (maxResults: unknown) => Error;
  /** The service's own error for a token it did not hand out for this scope. */
  readonly invalidToken: () => Error;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

export function offsetPage<T>(all: readonly T[], maxResults: unknown, nextToken: unknown, scope: string, rules: PageRules): Page<T> {
  let size = rules.defaultSize;
  if (maxResults !== undefined && maxResults !== null && !(rules.zeroMeansDefault && maxResults === 0)) {
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > rules.maxSize) {
      throw rules.invalidSize(maxResults);
    }
    size = maxResults;
  }
  let offset = 0;
  if (nextToken !== undefined && nextToken !== null) {
    try {
      const decoded = JSON.parse(Buffer.from(String(nextToken), 'base64url').toString('utf8')) as { o: number; s: string };
      if (decoded.s !== scope || !Number.isInteger(decoded.o) || decoded.o < 0) throw new Error('scope');
      offset = decoded.o;
    } catch {
      throw rules.invalidToken();
    }
  }
  const items = all.slice(offset, offset + size);
  const end = offset + items.length;
  return {
    items,
    ...(end < all.length ? { nextToken: Buffer.from(JSON.stringify({ o: end, s: scope })).toString('base64url') } : {}),
  };
}
