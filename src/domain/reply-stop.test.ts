import { describe, expect, it } from 'vitest';
import { ReplyStop } from './reply-stop.js';

describe('ReplyStop', () => {
  it('aborts once, with the first reason, calling each listener once in the order added', () => {
    const stop = new ReplyStop();
    const calls: string[] = [];
    stop.addEventListener('abort', () => calls.push('a'));
    stop.addEventListener('abort', () => calls.push('b'));
    stop.abort(new Error('first'));
    stop.abort(new Error('second'));
    expect(stop.aborted).toBe(true);
    expect((stop.reason as Error).message).toBe('first');
    expect(calls).toEqual(['a', 'b']);
  });

  it('does not call a listener removed before the abort, nor one added after it', () => {
    const stop = new ReplyStop();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    stop.addEventListener('abort', removed);
    stop.addEventListener('abort', () => calls.push('kept'));
    stop.removeEventListener('abort', removed);
    stop.removeEventListener('abort', () => {}); // never added: nothing happens
    stop.abort('why');
    stop.addEventListener('abort', () => calls.push('late'));
    expect(calls).toEqual(['kept']);
  });
});
