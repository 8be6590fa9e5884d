// The stack every media test runs against: Prosody, focus and the real bridge in this process, and a
// crowd of headless werift endpoints with their own loopback STUN server. Registers its before/after
// hooks in the calling suite (or file) and closes the endpoints before the stack.
import { after, before } from 'node:test';
import { startStack, type Stack } from '../integration/harness.js';
import { HeadlessCrowd } from './headless-endpoint.js';

export interface HeadlessStack {
  readonly stack: Stack;
  readonly crowd: HeadlessCrowd;
}

export function useHeadlessStack(): HeadlessStack {
  let stack: Stack | undefined;
  let crowd: HeadlessCrowd | undefined;
  before(async () => {
    crowd = await HeadlessCrowd.start();
    stack = await startStack({ realBridge: true });
  });
  after(async () => {
    await crowd?.close();
    await stack?.close();
  });
  return {
    get stack() {
      if (!stack) throw new Error('the media stack is not started yet (use it inside a test)');
      return stack;
    },
    get crowd() {
      if (!crowd) throw new Error('the headless crowd is not started yet (use it inside a test)');
      return crowd;
    },
  };
}
