import type { ChatModel } from '../chat-model/chat-model.js';
import type { Store } from '../store/store.js';
import type { StreamBus } from '../stream-bus/stream-bus.js';
import type { Bot, Message, TokenUsage } from './entities.js';
import type { Logger } from './logger.js';
import { buildPrompt } from './prompt.js';

export interface GenerationSettings {
  timeoutMs: number;
  historyBudgetTokens: number;
  /** How often text generated so far is saved, so a crash loses at most this much. */
  checkpointMs: number;
}

export interface ReplyJob {
  bot: Bot;
  user: Message;
  reply: Message;
}

export interface ReplyResult {
  content: string;
  failed: boolean;
  usage: TokenUsage | null;
  flagged: boolean;
}

interface Running {
  controller: AbortController;
  text: string;
  saved: number;
  done: Promise<ReplyResult>;
}

/** How many earlier messages are read before the token budget picks among them. */
const HISTORY_ROWS = 100;

/**
 * Runs reply generations in the background, independent of any reader: each one streams from the
 * model into the bus, and its outcome is written to the store before the stream ends.
 */
export class ReplyGenerations {
  private readonly running = new Map<number, Running>();
  private readonly checkpointTimer: NodeJS.Timeout;

  constructor(
    private readonly deps: { store: Store; bus: StreamBus; model: ChatModel; log: Logger },
    private readonly settings: GenerationSettings,
  ) {
    this.checkpointTimer = setInterval(() => void this.checkpoint(), settings.checkpointMs);
    this.checkpointTimer.unref();
  }

  get activeCount(): number {
    return this.running.size;
  }

  /** Starts generating `job.reply`; the promise settles once the outcome is stored. */
  start(job: ReplyJob): Promise<ReplyResult> {
    const controller = new AbortController();
    const run: Running = { controller, text: '', saved: 0, done: undefined as never };
    this.running.set(job.reply.id, run);
    run.done = this.generate(job, run).finally(() => this.running.delete(job.reply.id));
    return run.done;
  }

  /** Aborts a running generation; false when it is not running here. */
  stop(replyId: number, reason = 'The reply was stopped.'): boolean {
    const run = this.running.get(replyId);
    if (!run) return false;
    run.controller.abort(new Error(reason));
    return true;
  }

  /** Lets running generations finish for up to `graceMs`, then fails the rest. */
  async shutdown(graceMs: number): Promise<void> {
    clearInterval(this.checkpointTimer);
    const all = () => Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const id of this.running.keys()) this.stop(id, 'The server shut down before the reply was finished.');
    await all();
  }

  private async generate(job: ReplyJob, run: Running): Promise<ReplyResult> {
    const { store, bus, model, log } = this.deps;
    const publisher = bus.open(job.reply.id);
    const { signal } = run.controller;
    const timeout = setTimeout(
      () => run.controller.abort(new Error(`The model did not finish within ${this.settings.timeoutMs / 1000} s.`)),
      this.settings.timeoutMs,
    );
    let error: string | undefined;
    let usage: TokenUsage | null = null;
    let flagged = false;
    try {
      const history = await store.messages.history(job.user.conversationId, job.user.id, HISTORY_ROWS);
      const messages = buildPrompt(job.bot, history, job.user.content, this.settings.historyBudgetTokens);
      const request = {
        model: job.bot.model ?? undefined,
        messages,
        temperature: job.bot.temperature ?? undefined,
        maxTokens: job.bot.maxReplyTokens ?? undefined,
        signal,
      };
      for await (const part of model.stream(request)) {
        if (part.type === 'text-delta') {
          run.text += part.text;
          publisher.append(part.text);
        } else if (part.type === 'finish') {
          usage = part.usage ?? null;
          flagged = part.finishReason === 'content-filter';
        } else {
          error = part.error.message;
          break;
        }
        if (signal.aborted) break;
      }
      if (signal.aborted && error === undefined) error = (signal.reason as Error).message;
    } catch (err) {
      log.error({ err, replyId: job.reply.id }, 'reply generation crashed');
      error = 'The reply could not be generated because of an internal error.';
    } finally {
      clearTimeout(timeout);
    }

    const failed = error !== undefined;
    const result: ReplyResult = { content: failed ? error! : run.text, failed, usage, flagged };
    try {
      await store.messages.finishReply(job.reply.id, {
        content: result.content,
        status: failed ? 'failed' : 'done',
        usage,
        flagged,
        refund: failed ? { accountId: job.user.accountId, sentAt: job.user.createdAt } : undefined,
      });
    } catch (err) {
      log.error({ err, replyId: job.reply.id }, 'could not store the finished reply');
    }
    if (failed) log.warn({ replyId: job.reply.id, reason: error }, 'reply failed');
    publisher.end({ error, usage: usage ?? undefined });
    return result;
  }

  private async checkpoint(): Promise<void> {
    const parts: { id: number; content: string }[] = [];
    for (const [id, run] of this.running) {
      if (run.text.length > run.saved) {
        parts.push({ id, content: run.text });
        run.saved = run.text.length;
      }
    }
    if (!parts.length) return;
    try {
      await this.deps.store.messages.savePartial(parts);
    } catch (err) {
      this.deps.log.error({ err }, 'could not save replies in progress');
    }
  }
}
