import { ALL_NAMESPACES, CacheGenerations } from './cache-generations.js';

describe('CacheGenerations', () => {
  it('moves a namespace on its own clears and on clears of everything', () => {
    const known = new CacheGenerations();
    const start = known.of('genes');
    expect(known.adopt('genes', 1)).toBe(true);
    expect(known.current('genes', start)).toBe(false);
    expect(known.current('hpo', start)).toBe(true);

    const genes = known.of('genes');
    const hpo = known.of('hpo');
    expect(known.adopt(ALL_NAMESPACES, 1)).toBe(true);
    expect(known.current('genes', genes)).toBe(false);
    expect(known.current('hpo', hpo)).toBe(false);
  });

  it('takes only newer values, so a stale read cannot undo a clear it heard of', () => {
    const known = new CacheGenerations();
    expect(known.adopt('genes', 0)).toBe(false);
    expect(known.adopt('genes', 2)).toBe(true);
    expect(known.adopt('genes', 2)).toBe(false);
    expect(known.adopt('genes', 1)).toBe(false);
    expect(known.of('genes')).toBe(2);
  });

  it('remembers which generation rows exist, without changing a generation', () => {
    const known = new CacheGenerations();
    expect(known.hasRow('genes')).toBe(false);
    known.rowsExist('genes');
    expect([known.hasRow('genes'), known.hasRow(ALL_NAMESPACES)]).toEqual([true, true]);
    expect(known.of('genes')).toBe(0);
    known.adopt('hpo', 3);
    known.rowsExist('hpo');
    expect(known.of('hpo')).toBe(3);
  });
});
