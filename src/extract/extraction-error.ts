/** A file that cannot be turned into text; the message is shown as the document's failure reason. */
export class ExtractionError extends Error {}
