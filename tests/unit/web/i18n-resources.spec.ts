import { describe, expect, it } from '@jest/globals';
import { LOCALES, messages, placeholders } from '../../../apps/web/src/i18n/resources/index.js';

// The web app's strings (apps/web/src/i18n/resources): every language has every key, fills in the
// same {placeholders}, and says something (no empty or untranslated-looking entries).
const english = messages.en;
const keys = Object.keys(english).sort();

describe('web app translations', () => {
  it('speaks the six languages of the partnerships', () => {
    expect(LOCALES.map((l) => l.code)).toEqual(['en', 'nl', 'fr', 'es', 'de', 'sv']);
    expect(Object.keys(messages).sort()).toEqual(['de', 'en', 'es', 'fr', 'nl', 'sv']);
  });

  it('has more than a handful of keys (the resources did load)', () => {
    expect(keys.length).toBeGreaterThan(400);
  });

  for (const { code } of LOCALES) {
    describe(code, () => {
      const dict = messages[code] as Record<string, string>;

      it('has every key, and no key English lacks', () => {
        expect(Object.keys(dict).sort()).toEqual(keys);
      });

      it('gives every key a non-empty text', () => {
        expect(keys.filter((k) => typeof dict[k] !== 'string' || dict[k].trim() === '')).toEqual([]);
      });

      it('fills in the same placeholders as English', () => {
        const mismatched = keys.filter((k) => placeholders(dict[k] ?? '').join(',') !== placeholders(english[k as keyof typeof english]).join(','));
        expect(mismatched).toEqual([]);
      });
    });
  }

  it('translates: no other language copies most of the English texts', () => {
    for (const { code } of LOCALES.filter((l) => l.code !== 'en')) {
      const dict = messages[code] as Record<string, string>;
      const same = keys.filter((k) => dict[k] === english[k as keyof typeof english]);
      // Brand names, "Status", "Version", "Timer" … may coincide; a copied file would not.
      expect({ code, share: same.length / keys.length < 0.1 }).toEqual({ code, share: true });
    }
  });
});
