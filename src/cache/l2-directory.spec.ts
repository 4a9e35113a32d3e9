import { L2Directory } from './l2-directory.js';

const key = (ns: string, n: number) => `${ns}:${n.toString(16).padStart(64, '0')}`;

describe('L2Directory', () => {
  it('is unknown until loaded: every key may be held', () => {
    const d = new L2Directory(10);
    expect(d.known).toBe(false);
    expect(d.mayHold(key('genes', 1), 0)).toBe(true);
  });

  it('holds loaded and added keys until their rows stop being usable', () => {
    const d = new L2Directory(10);
    d.load([{ key: key('genes', 1), until: 1000 }]);
    d.added(key('genes', 2), null);
    expect(d.mayHold(key('genes', 1), 999)).toBe(true);
    expect(d.mayHold(key('genes', 1), 1000)).toBe(false);
    expect(d.mayHold(key('genes', 2), 1e15)).toBe(true);
    expect(d.mayHold(key('genes', 3), 0)).toBe(false);
  });

  it('drops a namespace exactly, not namespaces that share its prefix', () => {
    const d = new L2Directory(10);
    d.load([
      { key: key('genes', 1), until: null },
      { key: key('genes-meta', 1), until: null },
    ]);
    d.removeNamespace('genes');
    expect(d.mayHold(key('genes', 1), 0)).toBe(false);
    expect(d.mayHold(key('genes-meta', 1), 0)).toBe(true);
  });

  it('gives up (unknown) beyond its bound, on load or on growth', () => {
    const d = new L2Directory(2);
    d.load([1, 2, 3].map((n) => ({ key: key('a', n), until: null })));
    expect(d.known).toBe(false);
    d.load([]);
    d.added(key('a', 1), null);
    d.added(key('a', 2), null);
    expect(d.known).toBe(true);
    d.added(key('a', 3), null);
    expect(d.known).toBe(false);
    expect(d.mayHold(key('a', 9), 0)).toBe(true);
  });

  it('sweeps keys past their stale window, and forgets everything when told', () => {
    const d = new L2Directory(10);
    d.load([
      { key: key('a', 1), until: 5 },
      { key: key('a', 2), until: 50 },
    ]);
    expect(d.sweep(10)).toBe(1);
    expect(d.size).toBe(1);
    d.forget();
    expect(d.known).toBe(false);
  });
});
