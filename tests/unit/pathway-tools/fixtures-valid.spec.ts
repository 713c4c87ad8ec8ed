import { describe, expect, it } from '@jest/globals';
import { validateDefinition } from '../../../libs/engine/src/index.js';
import { contributions, referralV1, referralV2 } from './fixtures.js';

describe('pathway-tools fixtures', () => {
  it.each([
    ['referral v1', referralV1()],
    ['referral v2', referralV2()],
    ['contributions v1', contributions(false)],
    ['contributions v2', contributions(true)],
  ])('%s is a valid definition, so the tools are tested on what administrators can save', (_name, def) => {
    expect(validateDefinition(def)).toEqual([]);
  });
});
