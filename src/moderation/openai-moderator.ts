import type { Moderator } from './moderator.js';

/** A service compatible with OpenAI's POST /moderations. */
export function openAiModerator(options: { baseUrl: string; apiKey?: string; model?: string; timeoutMs?: number }): Moderator {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/moderations`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return {
    async isFlagged(text) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ input: text, ...(options.model && { model: options.model }) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        if (!res.ok) return false;
        const json = (await res.json()) as { results?: { flagged?: boolean }[] };
        return json.results?.some((r) => r.flagged === true) ?? false;
      } catch {
        return false;
      }
    },
  };
}
