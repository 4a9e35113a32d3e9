import { pubtatorData } from './evidence-merge.js';

describe('pubtatorData', () => {
  const mention = (pmid: string, score: number | null) => ({
    pmid,
    title: `t${pmid}`,
    journal: null,
    date: null,
    score,
    text: null,
  });

  it('counts the publications with a mention, however many mentions are kept', () => {
    const mentions = Array.from({ length: 40 }, (_, i) => mention(String(100 + (i % 30)), i));
    const data = pubtatorData(['1', '2'], mentions, [], 'q');
    expect(data.total_mentions).toBe(30);
    expect(data.evidence_score).toBeGreaterThan(0);
  });

  it('leaves evidence_score out when no mention has a score (a card formats any value)', () => {
    const data = pubtatorData(['1'], [mention('1', null)], [], null);
    expect(data).not.toHaveProperty('evidence_score');
    expect(data.total_mentions).toBe(1);
  });
});
