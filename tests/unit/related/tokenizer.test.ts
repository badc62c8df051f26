import { splitWords, tokenize } from '../../../src/related/tokenizer';
import { stemHindi } from '../../../src/related/hindi-stemmer';
import { isStopWord } from '../../../src/related/stopwords';

const nfc = (s: string): string => s.normalize('NFC');

describe('splitWords (Devanagari)', () => {
  it('keeps matras, virama, nukta, anusvara inside words', () => {
    const words = splitWords('प्रधानमंत्री ने ज़रूरी क्षेत्र का दौरा किया');
    expect(words).toEqual(['प्रधानमंत्री', 'ने', nfc('ज़रूरी'), 'क्षेत्र', 'का', 'दौरा', 'किया'].map(nfc));
    // The combining marks really are inside the tokens.
    expect(words[0]).toContain('\u094D'); // virama in प्र
    expect(words[0]).toContain('\u0902'); // anusvara in मं
    expect(words[2]).toContain('\u093C'); // nukta in ज़
    expect(words[3]).toContain('\u094D'); // क्ष = क + virama + ष
  });

  it('treats precomposed and decomposed nukta letters alike (NFC)', () => {
    const precomposed = '\u095Bरूरी'; // ज़ as one code point
    const decomposed = '\u091C\u093Cरूरी';
    expect(splitWords(precomposed)).toEqual(splitWords(decomposed));
  });

  it('keeps chandrabindu and visarga inside words', () => {
    expect(splitWords('चाँद दुःख')).toEqual(['चाँद', 'दुःख']);
  });

  it('splits on danda and double danda even without spaces', () => {
    expect(splitWords('बैठक ख़त्म हुई।अगली बैठक कल॥फिर')).toEqual(
      ['बैठक', nfc('ख़त्म'), 'हुई', 'अगली', 'बैठक', 'कल', 'फिर'],
    );
  });

  it('drops zero-width joiners instead of splitting on them', () => {
    expect(splitWords('क्\u200Dष')).toEqual(['क्ष']);
  });

  it('maps Devanagari digits to ASCII so numbers match across scripts', () => {
    expect(splitWords('वर्ष २०२४')).toEqual(['वर्ष', '2024']);
  });
});

describe('tokenize', () => {
  it('lower-cases Latin and stems English (Porter2)', () => {
    expect(tokenize('Tariffs', 'en')).toEqual(tokenize('tariff', 'en'));
    expect(tokenize('tariffs hiked', 'en')).toEqual(['tariff', 'hike']);
    expect(tokenize("India's elections", 'en')).toEqual(['india', 'elect']);
  });

  it('drops Hindi and English stop words whatever the language', () => {
    const terms = tokenize('The minister said that सरकार ने कहा है कि बाढ़ गंभीर है', 'en');
    for (const stop of ['the', 'that', 'ने', 'है', 'कि', 'कहा']) expect(terms).not.toContain(stop);
    expect(terms).toEqual(expect.arrayContaining(['minist', 'सरकार', nfc('बाढ़'), 'गंभीर']));
  });

  it('keeps news content words that the stock English list would drop', () => {
    expect(isStopWord('the')).toBe(true);
    expect(tokenize('fire bill', 'en')).toEqual(['fire', 'bill']);
  });

  it('stems Latin words inside Hindi stories, not for other languages', () => {
    expect(tokenize('Tariffs पर बहस', 'hi')).toEqual(['tariff', 'बहस']);
    expect(tokenize('élections', 'fr')).toEqual(['élections']);
  });

  it('drops one-character tokens', () => {
    expect(tokenize('a b 5 x-ray', 'en')).toEqual(['ray']);
  });
});

describe('stemHindi (conservative)', () => {
  it('strips plural and oblique-plural endings', () => {
    expect(stemHindi('चुनावों')).toBe('चुनाव');
    expect(stemHindi('किसानों')).toBe('किसान');
    expect(stemHindi('सरकारें')).toBe('सरकार');
    expect(stemHindi('कंपनियों')).toBe('कंपनी');
    expect(stemHindi('कंपनियां')).toBe('कंपनी');
    expect(stemHindi('घटनाओं')).toBe('घटना');
    expect(stemHindi('घटनाएं')).toBe('घटना');
  });

  it('leaves vowel endings and short words alone', () => {
    expect(stemHindi('राजा')).toBe('राजा');
    expect(stemHindi('प्रधानमंत्री')).toBe('प्रधानमंत्री');
    expect(stemHindi('में')).toBe('में');
  });

  it('makes inflected Hindi forms one index term', () => {
    expect(tokenize('चुनावों', 'hi')).toEqual(tokenize('चुनाव', 'hi'));
  });
});
