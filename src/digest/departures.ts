// When a request really left: the moment node's HTTP client flushed it to the socket. The sender counts a message
// against the global limit when it decides to send it; a stall in this process between that decision and the write
// (a long GC, a busy event loop, a new connection) would make it reach Telegram later than counted, closer to the
// messages after it. node:http publishes every request it creates on a diagnostics channel, in the async context
// of the call that made it, so a callback set around one call hears when that call's request was written.
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

const listener = new AsyncLocalStorage<() => void>();
let subscribed = false;

function onRequestStart(message: unknown): void {
  const written = listener.getStore();
  const request = (message as { request?: ClientRequest }).request;
  if (written && request) request.once('finish', written);
}

/** Run `call`; `written` is called when the first HTTP request it makes has been handed to the socket, if it makes one. */
export function onWritten<T>(written: () => void, call: () => T): T {
  if (!subscribed) {
    subscribe('http.client.request.start', onRequestStart);
    subscribed = true;
  }
  let once = false;
  return listener.run(() => {
    if (once) return;
    once = true;
    written();
  }, call);
}
