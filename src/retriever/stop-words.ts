/**
 * English words too common to tell passages apart: Snowball's English list, the halves of
 * contractions left once their apostrophe is gone (`isn't` → `isn`), and everyday words of
 * questions (`like`, `way`, `get`, `use`, `file`, `find`, `happen`…) that match nearly any
 * technical text. English only: every document of the evaluation (test/fixtures/readmes) is
 * English, and so are both retrievers' stemmers (FTS5's Porter, PostgreSQL's `english`
 * configuration); another language would need its stemmer as well as its list.
 */
const ENGLISH = new Set(`
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other ought our ours ourselves out over own same
she should so some such than that the their theirs them themselves then there these they this
those through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself yourselves
isn aren wasn weren don doesn didn won wouldn shouldn couldn haven hasn hadn mustn needn cannot
tell please us shall may might must also yes ok okay hi hello thanks thank
like way ways get gets getting got use uses using used want wants need needs make makes making
file thing things something anything everything possible good kind lot lots really know see try
work works let lets go going one ever still even much many well another else turn keep proper
put take able instead without within whether long find happen
`.trim().split(/\s+/));

/** English inflections a stop word may carry in a question: `turned`, `turning`, `happens`, `files`. */
const INFLECTION = /(?:ing|ed|es|s)$/;

/** Whether a lower-cased word is a stop word, as written or once an inflection is taken off (`turned` as `turn`). */
export function isStopWord(word: string): boolean {
  if (ENGLISH.has(word)) return true;
  if (word.length < 5) return false;
  const bare = word.replace(INFLECTION, '');
  return ENGLISH.has(bare) || (word.endsWith('es') && ENGLISH.has(word.slice(0, -1)));
}
