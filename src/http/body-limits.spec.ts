import type { IncomingMessage, ServerResponse } from 'node:http';

import { UnsupportedMediaTypeError } from '../common/errors/index.js';
import { BodyTooComplexError, verifyJsonShape } from './body-limits.js';

const LIMITS = { maxDepth: 2, maxObjectKeys: 10, maxArrayItems: 10, maxValues: 100 };
const verify = verifyJsonShape(LIMITS);
const req = {} as IncomingMessage;
const res = {} as ServerResponse;

/** What the hook throws, unwrapped to the domain error it carries. */
function refusal(body: Buffer, charset: string): unknown {
  try {
    verify(req, res, body, charset);
    return undefined;
  } catch (thrown) {
    return (thrown as { error?: unknown }).error;
  }
}

describe('verifyJsonShape', () => {
  it('passes bodies within the limits', () => {
    expect(refusal(Buffer.from('{"a":[1,2]}'), 'utf-8')).toBeUndefined();
  });

  it('scans the text as decoded, so another charset cannot hide structure', () => {
    const deep = '[[[1]]]';
    expect(refusal(Buffer.from(deep, 'utf8'), 'utf-8')).toBeInstanceOf(BodyTooComplexError);
    expect(refusal(Buffer.from(deep, 'utf16le'), 'utf-16le')).toBeInstanceOf(BodyTooComplexError);
  });

  it('refuses charsets it cannot decode the way the parser would', () => {
    const error = refusal(Buffer.from('{}'), 'utf-32');
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
