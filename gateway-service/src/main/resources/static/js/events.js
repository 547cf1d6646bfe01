// Server-sent events read with fetch() and a stream parser instead of EventSource, because
// EventSource cannot send an Authorization header and the token must not go into the URL. It
// follows the SSE format (event/data/id/retry fields, comment lines as keep-alives) and reconnects
// like EventSource does, sending Last-Event-ID so the server replays what was missed.
import { authHeaders } from './api.js';
import { end } from './session.js';

/**
 * Follows the stream at `path`. onEvent({type, id, data}) gets each event with its data parsed as
 * JSON; onState('live' | 'reconnecting' | 'closed' | 'failed', detail) says how the connection is.
 * `shouldReconnect()` is asked when the server ends the stream (a task's stream ends after its
 * final status). Returns {close()}.
 */
export function followEvents(path, { onEvent, onState = () => {}, shouldReconnect = () => true }) {
  const controller = new AbortController();
  let lastEventId = null;
  let retryMs = 3000;
  let closed = false;

  async function connect() {
    while (!closed) {
      try {
        const headers = authHeaders({ Accept: 'text/event-stream, application/problem+json' });
        if (lastEventId !== null) {
          headers['Last-Event-ID'] = lastEventId;
        }
        const response = await fetch(path, {
          headers, signal: controller.signal, credentials: 'omit', cache: 'no-store',
        });
        if (response.status === 401) {
          end('Your session has ended; please log in again.');
          return;
        }
        if (!response.ok || !response.body) {
          // 403/404 will not change by retrying; other failures may (a gateway restarting)
          if (response.status === 403 || response.status === 404) {
            onState('failed', `Live updates are not available (HTTP ${response.status}).`);
            return;
          }
          throw new Error(`HTTP ${response.status}`);
        }
        onState('live');
        await read(response.body);
        if (closed || !shouldReconnect()) {
          onState('closed');
          return;
        }
      } catch (e) {
        if (closed || e.name === 'AbortError') {
          return;
        }
      }
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = { type: 'message', data: [], id: null };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          dispatch(event);
          event = { type: 'message', data: [], id: null };
          continue;
        }
        if (line.startsWith(':')) {
          continue; // a keep-alive comment
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) {
          text = text.slice(1);
        }
        if (field === 'event') {
          event.type = text;
        } else if (field === 'data') {
          event.data.push(text);
        } else if (field === 'id' && !text.includes('\0')) {
          event.id = text;
        } else if (field === 'retry' && /^\d+$/.test(text)) {
          retryMs = Number(text);
        }
      }
    }
  }

  function dispatch(event) {
    if (event.id !== null) {
      lastEventId = event.id;
    }
    if (event.data.length === 0) {
      return;
    }
    let data;
    try {
      data = JSON.parse(event.data.join('\n'));
    } catch {
      return; // not ours to show
    }
    onEvent({ type: event.type, id: event.id, data });
  }

  connect();
  return {
    close() {
      closed = true;
      controller.abort();
    },
  };
}
