import type { RankableArticle } from '../../../src/related/types';

export const T0 = Date.parse('2025-06-01T06:00:00Z');
export const hoursAfter = (h: number): string => new Date(T0 + h * 3_600_000).toISOString();

export function article(partial: Partial<RankableArticle> & Pick<RankableArticle, 'id'>): RankableArticle {
  return {
    status: 'published', headline: '', summary: '', body: '', tags: [], language: 'en',
    publishedAt: hoursAfter(0), ...partial,
  };
}

/** A small mixed Hindi/English newsroom: two events, each covered in both languages. */
export const stories: RankableArticle[] = [
  article({
    id: 'en-steel-1', language: 'en', tags: ['economy', 'us-steel-tariffs'],
    headline: 'US raises tariffs on Indian steel imports',
    summary: 'Washington doubles duties on steel from India, hitting exporters.',
    body: 'The United States raised tariffs on steel imports from India to 50 per cent. Exporters in Odisha warned of job losses.',
  }),
  article({
    id: 'en-steel-2', language: 'en', tags: ['economy', 'us-steel-tariffs'], publishedAt: hoursAfter(5),
    headline: 'India weighs response to steel tariff hike',
    summary: 'New Delhi considers retaliatory duties after the US tariff on steel.',
    body: 'Commerce officials said India may impose duties on American almonds in response to the steel tariffs.',
  }),
  article({
    id: 'hi-steel-1', language: 'hi', tags: ['economy', 'us-steel-tariffs'], publishedAt: hoursAfter(2),
    headline: 'अमेरिका ने भारतीय इस्पात पर शुल्क दोगुना किया',
    summary: 'इस्पात निर्यातकों को भारी नुकसान की आशंका।',
    body: 'अमेरिका ने भारत से आने वाले इस्पात पर शुल्क बढ़ाकर 50 प्रतिशत कर दिया। ओडिशा के निर्यातकों ने नौकरियों पर ख़तरे की चेतावनी दी।',
  }),
  article({
    id: 'en-flood-1', language: 'en', tags: ['weather', 'assam-floods'], publishedAt: hoursAfter(1),
    headline: 'Floods submerge villages across Assam',
    summary: 'The Brahmaputra crossed the danger mark; thousands moved to relief camps.',
    body: 'Rescue teams used boats to evacuate families as floodwater rose in Dhubri and Barpeta districts.',
  }),
  article({
    id: 'hi-flood-1', language: 'hi', tags: ['weather', 'assam-floods'], publishedAt: hoursAfter(3),
    headline: 'असम में बाढ़ से हालात गंभीर, गांव डूबे',
    summary: 'ब्रह्मपुत्र ख़तरे के निशान से ऊपर। हज़ारों लोग राहत शिविरों में।',
    body: 'बचाव दलों ने नावों से परिवारों को निकाला। धुबरी और बारपेटा ज़िलों में पानी बढ़ता रहा।',
  }),
  article({
    id: 'hi-pm-1', language: 'hi', tags: ['politics', 'economy'], publishedAt: hoursAfter(4),
    headline: 'प्रधानमंत्री ने ज़रूरी बैठक बुलाई',
    summary: 'मंत्रिमंडल की बैठक में क्षेत्रीय योजनाओं पर चर्चा।',
    body: 'प्रधानमंत्री ने सभी मंत्रियों को क्षेत्र के विकास की रिपोर्ट लाने को कहा।',
  }),
];

/**
 * Unrelated background coverage, so that the event tags above are rare as in
 * a real newsroom (tag rarity is relative to the corpus) and 'economy' /
 * 'politics' are common.
 */
export const background: RankableArticle[] = [
  ['Parliament passes the coastal shipping bill', ['politics', 'shipping']],
  ['Opposition walks out over delimitation debate', ['politics', 'delimitation']],
  ['Cabinet approves new textile export scheme', ['economy', 'textiles']],
  ['GST collections rise for the third month', ['economy', 'gst']],
  ['Sensex ends flat as banks offset IT losses', ['economy', 'markets']],
  ['Mumbai Indians sign a young leg-spinner', ['sports', 'cricket']],
  ['Neeraj Chopra wins in Doha Diamond League', ['sports', 'athletics']],
  ['Kerala reports early monsoon onset', ['weather', 'monsoon']],
].map(([headline, tags], i) =>
  article({ id: `bg-${i}`, headline: headline as string, tags: tags as string[], publishedAt: hoursAfter(-200 + i) }),
).concat([
  article({ id: 'bg-hi-1', language: 'hi', tags: ['politics', 'up'], headline: 'लखनऊ में विधानसभा सत्र शुरू', publishedAt: hoursAfter(-150) }),
  article({ id: 'bg-hi-2', language: 'hi', tags: ['economy', 'gold'], headline: 'सोने के दाम में तेज़ी', publishedAt: hoursAfter(-140) }),
]);
