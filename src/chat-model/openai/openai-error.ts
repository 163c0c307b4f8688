/** A readable sentence for an error status, using the provider's own `error.message` when it sent one. */
export function openAiErrorMessage(status: number, body: string): string {
  let detail: string | undefined;
  try {
    const json = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    detail = typeof json.error === 'string' ? json.error : json.error?.message ?? json.message;
  } catch {
    detail = body.trim().slice(0, 200) || undefined;
  }
  return `The model service answered ${status}${detail ? `: ${detail}` : '.'}`;
}
