/**
 * English words too common to tell passages apart: Snowball's English list, the halves of
 * contractions left once their apostrophe is gone (`isn't` → `isn`), and everyday words of
 * questions (`like`, `way`, `get`, `use`, `file`…) that match nearly any technical text. The
 * knowledge bases Parley serves are in English so far; another language's list goes beside this one.
 */
export const STOP_WORDS = new Set(`
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
put take able instead without within whether long
`.trim().split(/\s+/));
