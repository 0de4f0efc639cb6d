// The incident board updates itself by watching a cheap watermark: every change to an
// incident (its tasks, level, supplies, reports) writes a line to its append-only timeline,
// so the number of lines (`total` of a one-line page) grows exactly when something changed.
// The board asks for it every couple of seconds and reloads its parts only when it moved;
// it stops asking while the page is hidden or left, and asks at once on return.
import { onBeforeUnmount, onMounted } from 'vue'

export interface TimelineWatchOptions {
  /** The watermark now (the timeline's line count). */
  watermark: () => Promise<number>
  /** Called when the watermark moved (not for the first reading). */
  changed: () => Promise<void> | void
  intervalMs?: number
  /** The page's document (a test's stand-in). */
  page?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>
}

export const WATCH_INTERVAL_MS = 2000

/** Starts watching; answers the function that stops it. */
export function watchTimeline(options: TimelineWatchOptions): () => void {
  const { watermark, changed, intervalMs = WATCH_INTERVAL_MS, page = document } = options
  let seen: number | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  let looking = false

  async function look(): Promise<void> {
    timer = null
    looking = true
    try {
      const now = await watermark()
      if (seen !== null && now !== seen) await changed()
      seen = now
    } catch {
      // A missed look (network, a restart) is simply tried again at the next one.
    } finally {
      looking = false
    }
    schedule()
  }

  function schedule(): void {
    if (!stopped && timer === null && page.visibilityState === 'visible') timer = setTimeout(look, intervalMs)
  }

  function onVisibility(): void {
    if (page.visibilityState !== 'visible') {
      if (timer !== null) clearTimeout(timer)
      timer = null
    } else if (timer === null && !looking && !stopped) {
      void look()
    }
  }

  page.addEventListener('visibilitychange', onVisibility)
  void look()
  return () => {
    stopped = true
    if (timer !== null) clearTimeout(timer)
    page.removeEventListener('visibilitychange', onVisibility)
  }
}

/** watchTimeline for as long as the component is on the page. */
export function useTimelineWatch(options: TimelineWatchOptions): void {
  let stop: (() => void) | null = null
  onMounted(() => (stop = watchTimeline(options)))
  onBeforeUnmount(() => stop?.())
}
