import {
  benjaminiHochberg,
  fisherGreater,
  hypergeometricUpperTail,
  ODDS_RATIO_CAP,
  oddsRatio,
} from './fisher.js';

const choose = (n: number, k: number): number => {
  let r = 1;
  for (let i = 1; i <= k; i += 1) {
    r = (r * (n - k + i)) / i;
  }
  return r;
};

describe('fisherGreater', () => {
  it("gives Fisher's tea-tasting table [[3,1],[1,3]] its hand-computed 17/70", () => {
    // P(X ≥ 3) = (C(4,3)·C(4,1) + C(4,4)·C(4,0)) / C(8,4)
    expect(fisherGreater({ a: 3, b: 1, c: 1, d: 3 })).toBeCloseTo(17 / 70, 14);
  });

  it('matches the greater-alternative example of scipy.stats.fisher_exact ([[6,2],[1,4]] → 0.0862…)', () => {
    // (C(7,6)·C(6,2) + C(7,7)·C(6,1)) / C(13,8) = 111/1287
    const p = fisherGreater({ a: 6, b: 2, c: 1, d: 4 });
    expect(p).toBeCloseTo(111 / 1287, 14);
    expect(p).toBeCloseTo(0.08624708624708627, 14);
  });

  it('is 1 when the overlap is at or below its minimum and 0 above its maximum', () => {
    expect(hypergeometricUpperTail(0, 100, 10, 5)).toBe(1);
    // n + K − N = 60 + 60 − 100 = 20 is the least possible overlap.
    expect(hypergeometricUpperTail(20, 100, 60, 60)).toBe(1);
    expect(hypergeometricUpperTail(6, 100, 10, 5)).toBe(0);
  });

  it('sums every term of the tail: a small table against the exact sum of binomials', () => {
    const [N, K, n] = [40, 12, 9];
    for (let a = 1; a <= 9; a += 1) {
      let exact = 0;
      for (let k = a; k <= 9; k += 1) {
        exact += (choose(K, k) * choose(N - K, n - k)) / choose(N, n);
      }
      expect(hypergeometricUpperTail(a, N, K, n)).toBeCloseTo(exact, 13);
    }
  });

  it('keeps the digits of p-values far below 1e-16 (no 1 − cdf)', () => {
    // 50 of 50 query genes in a 50-gene term out of 20,000: p = 1 / C(20000, 50).
    const p = hypergeometricUpperTail(50, 20_000, 50, 50);
    let log10 = 0;
    for (let i = 1; i <= 50; i += 1) {
      log10 += Math.log10(20_000 - 50 + i) - Math.log10(i);
    }
    expect(p).toBeGreaterThan(0);
    expect(Math.log10(p)).toBeCloseTo(-log10, 8);
  });
});

describe('oddsRatio', () => {
  it('is a·d / (b·c), capped when b·c is 0', () => {
    expect(oddsRatio({ a: 6, b: 2, c: 1, d: 4 })).toBe(12);
    expect(oddsRatio({ a: 3, b: 0, c: 2, d: 10 })).toBe(ODDS_RATIO_CAP);
    expect(oddsRatio({ a: 3, b: 0, c: 0, d: 0 })).toBe(0);
  });
});

describe('benjaminiHochberg', () => {
  it("equals R's p.adjust(c(0.01, 0.04, 0.03, 0.005), 'BH') in input order", () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    expect(q.map((x) => Number(x.toFixed(12)))).toEqual([0.02, 0.04, 0.04, 0.02]);
  });

  it('is monotone in p and never above 1', () => {
    const p = [0.9, 0.5, 0.8, 0.95, 0.001];
    const q = benjaminiHochberg(p);
    const byP = p.map((x, i) => [x, q[i]]).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < byP.length; i += 1) {
      expect(byP[i][1]).toBeGreaterThanOrEqual(byP[i - 1][1]);
    }
    expect(Math.max(...q)).toBeLessThanOrEqual(1);
    // m = 5: 0.001·5/1, and the largest p keeps its own value.
    expect(q[4]).toBeCloseTo(0.005, 15);
    expect(q[3]).toBeCloseTo(0.95, 15);
  });

  it('is empty for no tests', () => {
    expect(benjaminiHochberg([])).toEqual([]);
  });
});
