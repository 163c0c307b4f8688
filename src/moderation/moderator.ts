/** Asks a policy service whether a text should be flagged. */
export interface Moderator {
  /** True when flagged; false when not, or when the service could not answer (flagging is advisory). */
  isFlagged(text: string): Promise<boolean>;
}
