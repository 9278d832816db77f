import { describe, expect, it } from 'vitest';
import { parseUpdateActor } from '../../src/actors/actor.inputs.js';
import { planSpanMoves } from '../../src/common/quote-anchoring.js';
import { parseUpdateClaim } from '../../src/claims/claim.inputs.js';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { Issues } from '../../src/mutations/validate.js';

// The parsers and anchoring rules are pure: these run without a database or a request.

describe('update parsers', () => {
  it('put the id first, refuse nulls for kept fields, and give no command on a problem', () => {
    const parse = parseUpdateActor({
      id: encodeGlobalId('Claim', 1),
      expectedVersion: 3,
      input: { name: null, country: null, description: '  Armed forces  ' },
    });
    expect(parse).toEqual({
      ok: false,
      issues: expect.objectContaining({
        list: [
          { path: ['id'], message: 'expected the id of an Actor, got the id of a Claim' },
          { path: ['input', 'name'], message: 'expected a name, got null' },
        ],
      }),
      known: expect.objectContaining({ id: undefined, country: null }),
    });
  });

  it('give the typed command, omitted fields undefined, when the input is sound', () => {
    const id = encodeGlobalId('Actor', 7);
    expect(
      parseUpdateActor({
        id,
        expectedVersion: 3,
        input: { country: null, description: '  Armed forces  ' },
      }),
    ).toEqual({
      ok: true,
      command: {
        id: { id: 7, globalId: id, path: ['id'] },
        expectedVersion: 3,
        kind: undefined,
        name: undefined,
        aliases: undefined,
        country: null,
        wikidataQid: undefined,
        description: 'Armed forces',
        marking: undefined,
        externalIds: undefined,
        placeType: undefined,
        coordinates: undefined,
      },
    });
  });

  it('refuse every field a claim keeps before checking the others', () => {
    const parse = parseUpdateClaim({
      id: encodeGlobalId('Claim', 1),
      expectedVersion: 1,
      input: { confidence: 101, status: null },
    });
    expect(parse.ok).toBe(false);
    expect(parse.ok ? [] : parse.issues.list.map((issue) => issue.path)).toEqual([
      ['input', 'status'],
      ['input', 'confidence'],
    ]);
  });
});

describe('planSpanMoves', () => {
  const claim = (id: number, quote: string, start: number) => ({
    id,
    marking: 'CLEAR' as const,
    quote,
    span_start: start,
    span_end: start + [...quote].length,
  });

  it('shifts spans after the edit and reports a quote the edit removed', () => {
    const issues = new Issues();
    const moves = planSpanMoves(
      [claim(1, 'Caracas', 0), claim(2, 'Su-30', 20)],
      'Caracas bought some Su-30 jets',
      'Caracas bought 24 Su-30 jets',
      ['CLEAR'],
      issues,
    );
    expect(moves).toEqual([{ claim: claim(2, 'Su-30', 20), span: { start: 18, end: 23 } }]);
    expect(issues.list).toEqual([]);
    planSpanMoves([claim(2, 'Su-30', 20)], 'Caracas bought some Su-30 jets', 'Caracas', [], issues);
    expect(issues.list).toEqual([
      {
        path: ['input', 'body'],
        message:
          'expected the body to keep, exactly once, the text quoted by a claim you may not see',
      },
    ]);
  });
});
