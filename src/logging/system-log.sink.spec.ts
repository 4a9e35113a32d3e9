import { SystemLogSink } from './system-log.sink.js';

describe('SystemLogSink buffer', () => {
  it('keeps at most maxBuffered records, dropping the oldest and counting them', () => {
    const sink = new SystemLogSink(50, 1000, 100);
    for (let i = 0; i < 130; i++) {
      sink.write(JSON.stringify({ level: 'info', msg: `m${i}` }));
    }
    expect(sink.stats).toMatchObject({ buffered: 100, dropped: 30, written: 0, attached: false });
  });
});
