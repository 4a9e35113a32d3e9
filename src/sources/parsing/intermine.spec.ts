import { interMineProblem, interMineRows } from './intermine.js';

const answer = {
  views: ['Gene.symbol', 'Gene.primaryIdentifier'],
  results: [
    ['PKD1', 'HGNC:9008'],
    ['PKD2', 'HGNC:9009'],
  ],
  wasSuccessful: true,
  error: null,
  statusCode: 200,
};

describe('InterMine results', () => {
  it('picks columns by view path, whatever their position', () => {
    const rows = interMineRows(answer, { id: 'Gene.primaryIdentifier', symbol: 'Gene.symbol' });
    expect(rows).toEqual([
      { id: 'HGNC:9008', symbol: 'PKD1' },
      { id: 'HGNC:9009', symbol: 'PKD2' },
    ]);
  });

  it('names what makes an answer unusable', () => {
    expect(interMineProblem(answer, ['Gene.symbol'])).toBeNull();
    expect(interMineProblem(answer, ['Gene.name'])).toBe('no column Gene.name in views');
    expect(
      interMineProblem({ wasSuccessful: false, error: 'Query timed out', statusCode: 500 }, []),
    ).toBe('wasSuccessful is false: Query timed out');
    expect(interMineProblem({ ...answer, statusCode: 400 }, [])).toBe('statusCode 400');
    expect(interMineProblem({ ...answer, results: [['PKD1']] }, [])).toBe(
      'row 0 does not match the 2 views',
    );
    expect(interMineProblem({ views: answer.views }, [])).toBe('no results list');
    expect(interMineProblem([], [])).toBe('not a results object');
    expect(() => interMineRows({ ...answer, views: undefined }, { s: 'Gene.symbol' })).toThrow(
      /no views list/,
    );
  });
});
