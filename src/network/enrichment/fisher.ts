/**
 * One-sided (greater) Fisher exact test on a 2×2 table, exactly: the upper tail of the
 * hypergeometric distribution, summed term by term from log-factorials so that p-values
 * far below 1e-16 keep their digits (1 − cdf would round them to 0). See ADR 0007 for
 * why this is not a library call.
 *
 *                 in term      not in term
 *   in query        a              b          (a + b = query size n)
 *   not in query    c              d          (a + c = term size K, N = a + b + c + d)
 */
export interface TwoByTwo {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** ln(k!) for k = 0..n, grown on demand and shared. */
class LogFactorials {
  private table = new Float64Array([0]);

  upTo(n: number): Float64Array {
    if (n < this.table.length) {
      return this.table;
    }
    const next = new Float64Array(Math.max(n + 1, this.table.length * 2));
    next.set(this.table);
    for (let k = this.table.length; k < next.length; k += 1) {
      next[k] = next[k - 1] + Math.log(k);
    }
    this.table = next;
    return next;
  }
}

const logFactorials = new LogFactorials();

/** P(X ≥ a) for X ~ Hypergeometric(population N, K successes, n draws). */
export function hypergeometricUpperTail(a: number, N: number, K: number, n: number): number {
  const lo = Math.max(0, n + K - N);
  const hi = Math.min(K, n);
  if (a <= lo) {
    return 1;
  }
  if (a > hi) {
    return 0;
  }
  const lf = logFactorials.upTo(N);
  const logChoose = (x: number, y: number) => lf[x] - lf[y] - lf[x - y];
  const logTotal = logChoose(N, n);
  // First term exactly, then the ratio pmf(k+1)/pmf(k) = (K−k)(n−k) / ((k+1)(N−K−n+k+1)).
  let term = Math.exp(logChoose(K, a) + logChoose(N - K, n - a) - logTotal);
  let sum = term;
  for (let k = a; k < hi; k += 1) {
    term *= ((K - k) * (n - k)) / ((k + 1) * (N - K - n + k + 1));
    sum += term;
    if (term < sum * 1e-17) {
      break;
    }
  }
  return Math.min(1, sum);
}

/** The greater-alternative p-value of a table. */
export function fisherGreater({ a, b, c, d }: TwoByTwo): number {
  return hypergeometricUpperTail(a, a + b + c + d, a + c, a + b);
}

/** Odds-ratio cap: an infinite ratio (b·c = 0) is reported as this. */
export const ODDS_RATIO_CAP = 1000;

/** The sample odds ratio a·d / (b·c), capped at ODDS_RATIO_CAP. */
export function oddsRatio({ a, b, c, d }: TwoByTwo): number {
  const num = a * d;
  const den = b * c;
  if (den === 0) {
    return num === 0 ? 0 : ODDS_RATIO_CAP;
  }
  return Math.min(ODDS_RATIO_CAP, num / den);
}

/**
 * Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1), in the input's
 * order: q(i) = min over j ≥ i in ascending p order of p(j)·m/j.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank -= 1) {
    const { p, i } = order[rank - 1];
    running = Math.min(running, (p * m) / rank);
    adjusted[i] = running;
  }
  return adjusted;
}
