import { BadRequestException } from '@nestjs/common';
import { RejectUnstorableTextPipe } from '../lib/http/reject-unstorable-text.pipe';

describe('RejectUnstorableTextPipe', () => {
  const pipe = new RejectUnstorableTextPipe();

  it('refuses a NUL character in a request body with a 400 naming the field', () => {
    expect(() => pipe.transform({ address: { line1: 'Main St\u0000' } }, { type: 'body' })).toThrow(
      new BadRequestException('body.address.line1 must not contain a NUL character'),
    );
  });

  it('refuses half a surrogate pair in a path parameter', () => {
    expect(() => pipe.transform('\uD800', { type: 'param', data: 'id' })).toThrow(
      'param id must not contain an unpaired surrogate',
    );
  });

  it('leaves the arguments of a message handler alone (its payload is its contract’s to check)', () => {
    // What Nest's RPC context hands a global pipe for @Ctx(): its own numeric parameter type.
    const context = { envelope: { headers: { note: 'a\u0000b' } }, transaction: {} };
    expect(pipe.transform(context, { type: 6 as unknown as 'custom' })).toBe(context);
  });
});
