// Scroll contexts this process holds, seen at the one HTTP layer every call goes through (whichever module
// scrolls), so an interrupted run can clear them instead of leaving them open on the source until they expire.
// It keeps, per scroll id, how to clear it on the cluster that holds it, so it needs nothing of the transport.

/** Clears one scroll on the cluster that holds it (the transport that saw it open). */
export type ClearScroll = (id: string) => Promise<unknown>;

const open = new Map<string, ClearScroll>();
let stopping = false;

/** Called by the transport for every successful scroll answer and scroll clear. */
export function trackScroll(
  clear: ClearScroll,
  request: { method: string; path: string; query?: Record<string, unknown> | undefined; body?: unknown },
  answer: unknown,
): void {
  const sent = (request.body as { scroll_id?: string | string[] } | undefined)?.scroll_id;
  const scrolling = request.query?.scroll !== undefined || request.path.endsWith('/_search/scroll');
  if (!scrolling) return;
  for (const id of sent === undefined ? [] : Array.isArray(sent) ? sent : [sent]) open.delete(id);
  if (request.method === 'DELETE') return;
  const id =
    typeof answer === 'string'
      ? /"_scroll_id"\s*:\s*"([^"]+)"/.exec(answer.slice(0, 4096))?.[1]
      : (answer as { _scroll_id?: string } | undefined)?._scroll_id;
  if (!id) return;
  open.set(id, clear);
  if (stopping) void clearOpenScrolls();
}

/** Clears every scroll still open (best effort); later ones are cleared as soon as they are seen. */
export async function clearOpenScrolls(): Promise<number> {
  stopping = true;
  const held = [...open.entries()];
  open.clear();
  await Promise.all(held.map(([id, clear]) => clear(id).catch(() => undefined)));
  return held.length;
}
