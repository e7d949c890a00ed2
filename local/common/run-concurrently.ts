/** Runs `work` on every item, at most `limit` at a time; resolves when all are done (rejects with the first failure). */
export async function runConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Groups `items` (already in order) into lanes by `laneOf`; the lanes run side by side, at
 * most `limit` at a time, and each lane's items one after another in their order.
 */
export async function runInLanes<T, K>(items: readonly T[], laneOf: (item: T) => K, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const lanes = new Map<K, T[]>();
  for (const item of items) {
    const lane = lanes.get(laneOf(item));
    if (lane) lane.push(item);
    else lanes.set(laneOf(item), [item]);
  }
  await runConcurrently([...lanes.values()], limit, async (lane) => {
    for (const item of lane) await work(item);
  });
}
