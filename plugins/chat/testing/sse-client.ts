// A minimal SSE client over fetch streaming for specs: collects events, waits for some.
export interface SseEvent { event: string; data: string; id: string | undefined; at: number }

export class SseClient {
  readonly events: SseEvent[] = [];
  #controller = new AbortController();
  #waiters: (() => void)[] = [];
  lastId: string | undefined;

  private constructor() {}

  static async open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const c = new SseClient();
    const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: c.#controller.signal });
    if (res.status !== 200 || !res.body) throw new Error(`SSE connect failed: ${res.status}`);
    void c.#pump(res.body);
    await c.waitFor((e) => e.event === 'ready');
    return c;
  }

  async #pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [k, ...rest] = line.split(':');
            const v = rest.join(':').replace(/^ /, '');
            if (k === 'event') event = v;
            else if (k === 'data') data.push(v);
            else if (k === 'id') id = v;
          }
          if (data.length === 0 && event === 'message') continue;
          if (id !== undefined) this.lastId = id;
          this.events.push({ event, data: data.join('\n'), id, at: performance.now() });
          for (const w of this.#waiters.splice(0)) w();
        }
      }
    } catch { /* aborted */ }
  }

  /** Resolves with the first event (from the start) matching; rejects after timeoutMs. */
  async waitFor(pred: (e: SseEvent) => boolean, timeoutMs = 2_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching SSE event within ${timeoutMs} ms; got ${this.events.map((e) => e.event).join(',')}`);
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); this.#waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }

  messages(): { type: string; message: { id: string; text: string } }[] {
    return this.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data));
  }

  close(): void { this.#controller.abort(); }
}
