/**
 * The three rates counted from items, as API.md "The three rates" defines them and as a client
 * counts them from GET /api/items/{id}: what the dashboard's `rates` must equal.
 */
export interface RatedFields {
  routedAt?: string;
  respondBy?: string;
  respondedAt?: string;
  satisfaction?: string;
  resolved?: string;
}

export const countRates = (items: readonly RatedFields[], now: string) => {
  const rate = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator ? Math.round((numerator / denominator) * 1000) / 1000 : null });
  const count = (test: (item: RatedFields) => boolean) => items.filter(test).length;
  return {
    response: rate(
      count((i) => !!i.routedAt && !!i.respondedAt && i.respondedAt <= i.respondBy!),
      count((i) => !!i.routedAt && (!!i.respondedAt || i.respondBy! < now)),
    ),
    resolution: rate(count((i) => i.resolved === 'yes'), count((i) => i.resolved !== undefined)),
    satisfaction: rate(count((i) => i.satisfaction === 'satisfied' || i.satisfaction === 'basically'), count((i) => i.satisfaction !== undefined)),
  };
};
