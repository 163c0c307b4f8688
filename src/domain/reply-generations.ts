import type { ModelCatalog, ModelTarget } from '../chat-model/model-catalog.js';
import { NO_MODEL_MESSAGE } from '../chat-model/unconfigured/unconfigured-model.js';
import type { ChatRequest } from '../chat-model/chat-model.js';
import type { Moderator } from '../moderation/moderator.js';
import type { Retriever } from '../retriever/retriever.js';
import type { Store } from '../store/store.js';
import { failedEnding, hasEnded, type ReplyFeed, type ReplyPublisher, type StreamBus } from '../stream-bus/stream-bus.js';
import type { Bot, Message, MessageSource, SourceRef, TokenUsage } from './entities.js';
import { EXTRACTIVE_PASSAGES, extractiveAnswer, wordPieces } from './extractive-answer.js';
import { groundingMessage, sourcesOf } from './grounding.js';
import { retrieveForConversation } from './retrieve-for-conversation.js';
import type { Logger } from './logger.js';
import { noMetrics, type Metrics } from './metrics.js';
import { buildPrompt } from './prompt.js';
import { ReplyStop } from './reply-stop.js';
import { streamWithFallback, type AttemptPolicy, type StreamOutcome } from './stream-with-fallback.js';
import { countTokensInTurns } from './token-count.js';

export interface GenerationSettings extends AttemptPolicy {
  /** The longest a whole reply may take, retries included. */
  totalTimeoutMs: number;
  /** How often text generated so far is saved, so a crash loses at most this much. */
  checkpointMs: number;
  /** How many knowledge-base passages go into a reply's prompt. */
  groundingPassages: number;
  /** How long a reply's lease lasts; it is renewed three times in each. */
  leaseMs: number;
}

export interface GenerationDeps {
  store: Store;
  bus: StreamBus;
  models: ModelCatalog;
  log: Logger;
  moderator?: Moderator;
  /** The knowledge base; without it replies are not grounded. */
  retriever?: Retriever;
  metrics?: Metrics;
}

export interface ReplyJob {
  bot: Bot;
  /** The folders the bot reads (its knowledge base), as read with the send. */
  folderIds: number[];
  user: Message;
  reply: Message;
}

export interface ReplyResult {
  content: string;
  failed: boolean;
  /** Ended early by a stop request; what was generated is kept as the reply. */
  stopped: boolean;
  usage: TokenUsage | null;
  flagged: boolean;
}

/** What a reply will be made of, once retrieval and the prompt are done. */
type Plan =
  | { kind: 'model'; targets: ModelTarget[]; request: Omit<ChatRequest, 'signal' | 'model'>; promptTokens: number; sources: SourceRef[] }
  | { kind: 'text'; pieces: string[]; sources: SourceRef[] }
  | { kind: 'failed'; error: string };

/** How writing a reply went: `error` when it failed. */
interface Written {
  error?: string;
  usage: TokenUsage | null;
  flagged: boolean;
  sources: SourceRef[];
}

/**
 * A reply in progress, and all it keeps while it waits for its model: the job itself (the bot, the
 * two messages) is let go once the prompt is built, since thousands may wait at once.
 */
interface Running {
  replyId: number;
  /** The user's message, as far as the reply's end needs it: its flag, and the refund of a failed reply. */
  user: { id: number; accountId: number; createdAt: number };
  stop: ReplyStop;
  stopped: boolean;
  text: string;
  saved: number;
  done: Promise<ReplyResult>;
  /** When generation began (for the metrics' time to first chunk and duration, and the total time). */
  startedAt: number;
  publisher: ReplyPublisher | undefined;
  /** The moderation of the user's message, running beside the reply. */
  userFlagged: Promise<boolean> | undefined;
}

/** Settles when `feed` has ended, or after `ms`. */
function endOf(feed: ReplyFeed, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const ended = () => hasEnded(feed);
    if (ended()) return resolve();
    const timer = setTimeout(done, ms);
    const unwatch = feed.watch(() => {
      if (ended()) done();
    });
    function done() {
      clearTimeout(timer);
      unwatch();
      resolve();
    }
  });
}

/** How many earlier messages are read before the token budget picks among them. */
const HISTORY_ROWS = 200;

/**
 * Runs reply generations in the background, independent of any reader: each one streams from the
 * model into the bus, and its outcome is written to the store before the stream ends.
 */
export class ReplyGenerations {
  private readonly running = new Map<number, Running>();
  private readonly checkpointTimer: NodeJS.Timeout;
  private readonly leaseTimer: NodeJS.Timeout;
  private readonly overdueTimer: NodeJS.Timeout;
  private readonly unwatchStops: () => void;

  constructor(private readonly deps: GenerationDeps, private readonly settings: GenerationSettings) {
    this.checkpointTimer = setInterval(() => void this.checkpoint(), settings.checkpointMs);
    this.checkpointTimer.unref();
    this.leaseTimer = setInterval(() => void this.renewLeases(), Math.max(50, Math.floor(settings.leaseMs / 3)));
    this.leaseTimer.unref();
    // One timer for every reply's total time, not one a reply: a tenth of it late at most, a second at most.
    this.overdueTimer = setInterval(() => this.stopOverdue(), Math.max(10, Math.min(1000, Math.floor(settings.totalTimeoutMs / 10))));
    this.overdueTimer.unref();
    // A stop sent to another process reaches the one generating the reply through the bus.
    this.unwatchStops = deps.bus.onStop((replyId) => void this.stopHere(replyId));
  }

  private get metrics(): Metrics {
    return this.deps.metrics ?? noMetrics;
  }

  get activeCount(): number {
    return this.running.size;
  }

  /** Starts generating `job.reply`; the promise settles once the outcome is stored. */
  start(job: ReplyJob): Promise<ReplyResult> {
    const { id, accountId, createdAt } = job.user;
    const run: Running = {
      replyId: job.reply.id, user: { id, accountId, createdAt }, stop: new ReplyStop(), stopped: false, text: '', saved: 0,
      done: undefined as never, startedAt: Date.now(), publisher: undefined, userFlagged: undefined,
    };
    this.running.set(job.reply.id, run);
    // Not an async function: while the reply streams it waits as this one continuation (and
    // write's), not as suspended frames, a kilobyte or two each (BENCHMARKS.md, held streams).
    run.done = this.write(job, run).then((written) => this.finish(run, written));
    return run.done;
  }

  /**
   * Stops a generation wherever it runs: the upstream request is aborted and the reply keeps what
   * was generated. Resolves with the outcome when it ran here; when it runs in another process,
   * with undefined once its end is on the bus (or after `remoteWaitMs`; at once when the bus
   * carries no such reply).
   */
  async stop(replyId: number, remoteWaitMs = 5_000): Promise<ReplyResult | undefined> {
    const here = this.stopHere(replyId);
    if (here) return here;
    const feed = await this.deps.bus.feed(replyId);
    if (feed && hasEnded(feed)) return undefined;
    // Asked even when the bus does not carry it yet: its process may not have opened it this instant.
    await this.deps.bus.requestStop(replyId);
    if (feed) await endOf(feed, remoteWaitMs);
    return undefined;
  }

  /** Fails a generation of this process whose lease was found expired; false when it does not run here. */
  lose(replyId: number, reason: string): boolean {
    const run = this.running.get(replyId);
    if (!run) return false;
    run.stop.abort(new Error(reason));
    return true;
  }

  /** Stops the generation if it runs in this process; its outcome, or undefined. */
  private stopHere(replyId: number): Promise<ReplyResult> | undefined {
    const run = this.running.get(replyId);
    if (!run) return undefined;
    run.stopped = true;
    run.stop.abort(new Error('The reply was stopped.'));
    return run.done;
  }

  /** Lets running generations finish for up to `graceMs`, then fails the rest. */
  async shutdown(graceMs: number): Promise<void> {
    clearInterval(this.checkpointTimer);
    const all = () => Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const run of this.running.values()) {
      run.stop.abort(new Error('The server shut down before the reply was finished.'));
    }
    await all();
    // Only now: replies finishing in the grace period are still renewed, and still stoppable from elsewhere.
    clearInterval(this.leaseTimer);
    clearInterval(this.overdueTimer);
    this.unwatchStops();
  }

  /**
   * Writes the reply's text to the bus, from the model or from the knowledge base. Never rejects.
   * Its frame ends once the model is asked: what it returns then is the stream's own promise.
   */
  private async write(job: ReplyJob, run: Running): Promise<Written> {
    // Generation begins once the code that asked for it has run to its end: the answer carrying the
    // stream URL goes out first, so that the client's request for the stream and the request to
    // the model travel at the same time, rather than the first waiting for the second's setup.
    await new Promise((resolve) => process.nextTick(resolve));
    try {
      run.userFlagged = this.deps.moderator?.isFlagged(job.user.content);
      run.publisher = this.deps.bus.open(run.replyId);
      const plan = await this.plan(job);
      if (plan.kind === 'failed') return { error: plan.error, usage: null, flagged: false, sources: [] };
      if (plan.kind === 'text') {
        for (const piece of plan.pieces) this.append(run, piece);
        return { usage: null, flagged: false, sources: plan.sources };
      }
      return streamWithFallback(plan.targets, plan.request, run.stop, this.settings, (text) => this.append(run, text), this.attemptFailed)
        .then((outcome) => this.written(run, plan, outcome))
        .catch((err: unknown) => this.crashed(run, err));
    } catch (err) {
      return this.crashed(run, err);
    }
  }

  private append(run: Running, text: string): void {
    // Nothing is added once stopped: the stored reply is exactly what readers were sent.
    if (run.stop.aborted) return;
    if (run.text === '' && text !== '') this.metrics.firstChunk(Date.now() - run.startedAt);
    run.text += text;
    run.publisher!.append(text);
  }

  private readonly attemptFailed = (target: ModelTarget) => this.metrics.modelError(target.provider);

  /** How writing the reply went, from the model's outcome. */
  private async written(run: Running, plan: Extract<Plan, { kind: 'model' }>, outcome: StreamOutcome): Promise<Written> {
    return {
      // A stopped reply is not a failed one: it keeps what was generated.
      error: outcome.ok || run.stopped ? undefined : outcome.error.message,
      usage: {
        ...((outcome.ok ? outcome.usage : undefined) ?? {
          promptTokens: plan.promptTokens, completionTokens: await countTokensInTurns(run.text), estimated: true,
        }),
        // Charged at the rate of the model that wrote the reply (the fallback's, if it took over).
        credits: (outcome.ok && plan.targets.find((t) => t.name === outcome.model) || plan.targets[0]).creditsPerReply,
      },
      flagged: outcome.ok && outcome.finishReason === 'content-filter',
      sources: plan.sources,
    };
  }

  private crashed(run: Running, err: unknown): Written {
    this.deps.log.error({ err, replyId: run.replyId }, 'reply generation crashed');
    return { error: 'The reply could not be generated because of an internal error.', usage: null, flagged: false, sources: [] };
  }

  /** Records the outcome and lets the reply go. */
  private async finish(run: Running, written: Written): Promise<ReplyResult> {
    try {
      return await this.record(run, written);
    } finally {
      this.running.delete(run.replyId);
    }
  }

  /** What the reply will be made of: the model's prompt, the knowledge base's own words, or why neither. */
  private async plan(job: ReplyJob): Promise<Plan> {
    const targets = this.targetsFor(job.bot);
    if (typeof targets === 'string') {
      if (targets !== NO_MODEL_MESSAGE || !this.deps.retriever) return { kind: 'failed', error: targets };
      // No model: answer with the knowledge base's own words.
      const passages = await this.retrieve(job, EXTRACTIVE_PASSAGES);
      return { kind: 'text', pieces: wordPieces(extractiveAnswer(passages)), sources: sourcesOf(passages) };
    }
    const passages = await this.retrieve(job, this.settings.groundingPassages);
    const history = await this.deps.store.messages.history(job.user.conversationId, job.user.id, HISTORY_ROWS);
    const maxReplyTokens = job.bot.maxReplyTokens ?? targets[0].maxReplyTokens;
    // A bot that reads folders is told when they hold nothing on the question, so that it says so.
    const grounding = { messages: job.folderIds.length ? [groundingMessage(passages)] : [], repeats: !passages.length };
    const prompt = await buildPrompt(job.bot, history, job.user, {
      contextTokens: targets[0].contextTokens, maxReplyTokens,
    }, grounding);
    return {
      kind: 'model',
      targets,
      request: { messages: prompt.messages, temperature: job.bot.temperature ?? undefined, maxTokens: maxReplyTokens },
      promptTokens: prompt.tokens,
      sources: sourcesOf(passages),
    };
  }

  /**
   * Stores the reply's outcome, then ends its stream: a reader that sees the end finds the reply
   * stored. The reply always ends: when its outcome cannot be stored it is stored as failed, and
   * its stream ends with an error either way, so nothing is left in progress while this runs.
   */
  private async record(run: Running, written: Written): Promise<ReplyResult> {
    const { store, log, moderator } = this.deps;
    const { sources } = written;
    let { error } = written;
    let failed = error !== undefined;
    let content = failed ? error! : run.text;
    let usage = failed ? null : written.usage;
    let { flagged } = written;
    if (!failed && !flagged && moderator && content) flagged = await moderator.isFlagged(content).catch(() => false);
    const refund = { accountId: run.user.accountId, sentAt: run.user.createdAt };
    const { replyId, publisher } = run;
    try {
      await store.messages.finishReply(replyId, {
        content, status: failed ? 'failed' : 'done', usage, flagged,
        refund: failed ? refund : undefined,
        sources: failed ? undefined : sources,
      });
    } catch (err) {
      log.error({ err, replyId }, 'could not store the finished reply');
      error = 'The reply could not be stored because of an internal error.';
      failed = true;
      content = error;
      usage = null;
      flagged = false;
      // The simplest outcome there is; if even this cannot be written, the next start fails the reply.
      await store.messages.finishReply(replyId, { content, status: 'failed', usage: null, flagged: false, refund })
        .catch((again: unknown) => log.error({ err: again, replyId }, 'could not store the reply as failed'));
    }
    if (failed) log.warn({ replyId, reason: error }, 'reply failed');
    let recorded: MessageSource[] | undefined;
    if (!failed && sources.length) recorded = (await store.messages.sources([replyId]).catch(() => undefined))?.get(replyId);
    // The reply is stored already: a bus that lost its end leaves readers to the store's copy.
    await publisher!.end(failed ? failedEnding(content) : { outcome: 'done', usage: usage ?? undefined, sources: recorded })
      .catch((err: unknown) => log.error({ err, replyId }, 'the stream bus could not carry the reply'));
    if (await run.userFlagged?.catch(() => false)) await store.messages.setFlagged(run.user.id).catch(() => {});
    this.metrics.replyEnded(failed ? 'failed' : run.stopped ? 'stopped' : 'done', Date.now() - run.startedAt);
    return { content, failed, stopped: run.stopped, usage, flagged };
  }

  private async retrieve(job: ReplyJob, limit: number) {
    const { retriever, store, log } = this.deps;
    if (!retriever) return [];
    try {
      return await retrieveForConversation(store, retriever, {
        accountId: job.user.accountId, folderIds: job.folderIds, conversationId: job.user.conversationId,
        query: job.user.content, limit,
      });
    } catch (err) {
      // A reply without the knowledge base beats no reply.
      log.error({ err, replyId: job.reply.id }, 'retrieval failed');
      return [];
    }
  }

  /** The bot's model and then its fallback; or why there is none. */
  private targetsFor(bot: Bot): ModelTarget[] | string {
    const { models } = this.deps;
    const main = models.resolve(bot.model);
    if (!main) {
      return bot.model === null || models.defaultName === undefined
        ? NO_MODEL_MESSAGE
        : `The bot's model "${bot.model}" is not configured on this server.`;
    }
    const fallbackName = bot.fallbackModel ?? main.fallback;
    const fallback = fallbackName ? models.resolve(fallbackName) : undefined;
    return fallback && fallback.name !== main.name ? [main, fallback] : [main];
  }

  /** Aborts the replies that have taken longer than the total time allowed. */
  private stopOverdue(): void {
    const startedBefore = Date.now() - this.settings.totalTimeoutMs;
    let reason: Error | undefined;
    for (const run of this.running.values()) {
      // A run stopped already (still storing its outcome) needs no second reason.
      if (run.startedAt > startedBefore || run.stop.aborted) continue;
      reason ??= new Error(`The reply took longer than ${this.settings.totalTimeoutMs / 1000} s.`);
      run.stop.abort(reason);
    }
  }

  /** Tells every process that the replies generated here are alive (see ExpiredReplies). */
  private async renewLeases(): Promise<void> {
    if (!this.running.size) return;
    try {
      await this.deps.store.messages.renewLeases([...this.running.keys()], Date.now() + this.settings.leaseMs);
    } catch (err) {
      this.deps.log.error({ err }, 'could not renew the leases of replies in progress');
    }
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
