/**
 * Arrival-time jitter allowed when checking a rate limit at the fixture server: the limiter
 * spaces request starts in the client, but a loaded machine delivers some requests a few
 * milliseconds later than others. Far below what a broken limit produces (a limit kept
 * per instance instead of shared doubles the rate, halving every window).
 */
export const ARRIVAL_JITTER_MS = 50;

/**
 * The shortest span of `perSecond + 1` consecutive arrivals: at most `perSecond` requests
 * started in any one second when it is at least 1000 ms (less the jitter allowance).
 */
export function shortestWindowMs(arrivals: readonly number[], perSecond: number): number {
  const times = [...arrivals].sort((a, b) => a - b);
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 0; i + perSecond < times.length; i++) {
    shortest = Math.min(shortest, times[i + perSecond] - times[i]);
  }
  return shortest;
}
