import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { anthropicModel } from './anthropic/anthropic-model.js';
import type { ChatModel } from './chat-model.js';
import { openAiCompatibleModel } from './openai/openai-compatible-model.js';

/** A model a bot can name, and how to reach it. */
export interface ModelTarget {
  /** The name bots use. */
  name: string;
  chat: ChatModel;
  /** The name the provider knows it by. */
  upstreamModel: string;
  /** The provider's name: its key in PARLEY_MODELS, or LLM_PROVIDER's value (`openai`, `anthropic`). */
  provider: string;
  contextTokens: number;
  maxReplyTokens: number;
  /** Another model's name, tried when this one fails before its first token. */
  fallback: string | undefined;
  /** What one reply of this model costs, as `usage.credits` shows it (LLM_CREDITS_PER_REPLY, `credits_per_reply`). */
  creditsPerReply: number;
}

export interface ModelCatalog {
  /** The model a bot without one uses; undefined when no model is configured at all. */
  readonly defaultName: string | undefined;
  /** False when a bot naming `name` should be refused. */
  accepts(name: string): boolean;
  /** The target for a model name (null: the default). */
  resolve(name: string | null): ModelTarget | undefined;
  names(): string[];
}

type ProviderType = 'openai' | 'anthropic';

interface ProviderSpec {
  type: ProviderType;
  base_url?: string;
  api_key?: string;
  /** The name of an environment variable that holds the key (keeps keys out of the file). */
  api_key_env?: string;
}

interface ModelSpec {
  provider: string;
  model?: string;
  context_tokens?: number;
  max_reply_tokens?: number;
  credits_per_reply?: number;
  fallback?: string;
}

interface ModelsFile {
  default?: string;
  providers: Record<string, ProviderSpec>;
  models: Record<string, ModelSpec>;
}

const DEFAULT_BASE_URL: Record<ProviderType, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

function makeChatModel(type: ProviderType, baseUrl: string, apiKey: string | undefined): ChatModel {
  return type === 'anthropic' ? anthropicModel({ baseUrl, apiKey }) : openAiCompatibleModel({ baseUrl, apiKey });
}

/**
 * The models this server can use: those of the PARLEY_MODELS file, and the one set by the LLM_*
 * variables. With only LLM_* variables, any name a bot gives passes through to that one server
 * (so one Ollama serves every model it has); with a file, a bot must name one of its models.
 */
export function loadModelCatalog(config: Config, env: Record<string, string | undefined> = process.env): ModelCatalog {
  const targets = new Map<string, ModelTarget>();
  let defaultName: string | undefined;
  let passThrough: ((name: string) => ModelTarget) | undefined;

  if (config.modelsFile) {
    const file = readModelsFile(config.modelsFile);
    const providers = new Map<string, ChatModel>();
    for (const [name, p] of Object.entries(file.providers)) {
      const apiKey = p.api_key ?? (p.api_key_env ? env[p.api_key_env] : undefined);
      if (p.api_key_env && apiKey === undefined) {
        throw new ConfigError('PARLEY_MODELS', `provider "${name}" reads its key from ${p.api_key_env}, which is not set`, config.modelsFile);
      }
      providers.set(name, makeChatModel(p.type, p.base_url ?? DEFAULT_BASE_URL[p.type], apiKey));
    }
    for (const [name, m] of Object.entries(file.models)) {
      targets.set(name, {
        name,
        chat: providers.get(m.provider)!,
        upstreamModel: m.model ?? name,
        provider: m.provider,
        contextTokens: m.context_tokens ?? config.llm.contextTokens,
        maxReplyTokens: m.max_reply_tokens ?? config.llm.maxReplyTokens,
        fallback: m.fallback,
        creditsPerReply: m.credits_per_reply ?? config.llm.creditsPerReply,
      });
    }
    defaultName = file.default ?? Object.keys(file.models)[0];
  }

  const { baseUrl, apiKey, model, provider } = config.llm;
  if (baseUrl) {
    const chat = makeChatModel(provider, baseUrl, apiKey);
    const envTarget = (name: string): ModelTarget => ({
      name, chat, upstreamModel: name, provider, contextTokens: config.llm.contextTokens,
      maxReplyTokens: config.llm.maxReplyTokens, fallback: undefined, creditsPerReply: config.llm.creditsPerReply,
    });
    const name = model ?? 'default';
    if (!targets.has(name)) targets.set(name, envTarget(name));
    defaultName ??= name;
    if (!config.modelsFile) passThrough = envTarget;
  }

  return {
    defaultName,
    accepts: (name) => targets.has(name) || passThrough !== undefined,
    resolve(name) {
      const wanted = name ?? defaultName;
      if (wanted === undefined) return undefined;
      return targets.get(wanted) ?? passThrough?.(wanted);
    },
    names: () => [...targets.keys()],
  };
}

function readModelsFile(file: string): ModelsFile {
  const fail = (why: string): never => {
    throw new ConfigError('PARLEY_MODELS', why, file);
  };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`expects a readable JSON file (${(err as Error).message})`);
  }
  const f = json as Partial<ModelsFile>;
  if (!f || typeof f !== 'object' || typeof f.providers !== 'object' || typeof f.models !== 'object' || !f.providers || !f.models) {
    fail('expects a JSON object with "providers" and "models" objects');
  }
  for (const [name, p] of Object.entries(f.providers!)) {
    if (p?.type !== 'openai' && p?.type !== 'anthropic') fail(`providers.${name}.type must be "openai" or "anthropic"`);
    if (p.base_url !== undefined && !/^https?:\/\//.test(p.base_url)) fail(`providers.${name}.base_url must be an http(s) URL`);
  }
  for (const [name, m] of Object.entries(f.models!)) {
    if (!m || typeof m.provider !== 'string' || !(m.provider in f.providers!)) {
      fail(`models.${name}.provider must name one of the providers`);
    }
    for (const key of ['context_tokens', 'max_reply_tokens'] as const) {
      const v = m[key];
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) fail(`models.${name}.${key} must be a positive whole number`);
    }
    const credits = m.credits_per_reply;
    if (credits !== undefined && !(typeof credits === 'number' && Number.isFinite(credits) && credits >= 0)) {
      fail(`models.${name}.credits_per_reply must be a number of at least 0`);
    }
    if (m.fallback !== undefined && !(m.fallback in f.models!)) fail(`models.${name}.fallback must name another model`);
  }
  if (f.default !== undefined && !(f.default in f.models!)) fail('"default" must name one of the models');
  return f as ModelsFile;
}
