import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watchTimeline } from '@/emergency/useTimelineWatch'

/** A page whose visibility the test sets, telling its listeners as a browser does. */
function fakePage() {
  const listeners = new Set<() => void>()
  const page = {
    visibilityState: 'visible' as DocumentVisibilityState,
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
    show(state: DocumentVisibilityState) {
      page.visibilityState = state
      for (const listener of listeners) listener()
    },
    listeners,
  }
  return page
}

describe('watching an incident’s timeline', () => {
  let lines: number
  let looks: number
  let changes: number
  const watermark = async () => {
    looks += 1
    return lines
  }
  const changed = () => {
    changes += 1
  }

  beforeEach(() => {
    vi.useFakeTimers()
    lines = 3
    looks = 0
    changes = 0
  })
  afterEach(() => vi.useRealTimers())

  it('reloads only when a line was added, looking every interval', async () => {
    const page = fakePage()
    const stop = watchTimeline({ watermark, changed, intervalMs: 2000, page: page as unknown as Document })
    await vi.advanceTimersByTimeAsync(0)
    expect([looks, changes]).toEqual([1, 0])
    await vi.advanceTimersByTimeAsync(4000)
    expect([looks, changes]).toEqual([3, 0])
    lines = 4
    await vi.advanceTimersByTimeAsync(2000)
    expect([looks, changes]).toEqual([4, 1])
    await vi.advanceTimersByTimeAsync(2000)
    expect(changes).toBe(1)
    stop()
  })

  it('stops while the page is hidden and looks at once on return', async () => {
    const page = fakePage()
    const stop = watchTimeline({ watermark, changed, intervalMs: 2000, page: page as unknown as Document })
    await vi.advanceTimersByTimeAsync(0)
    page.show('hidden')
    lines = 5
    await vi.advanceTimersByTimeAsync(20_000)
    expect([looks, changes]).toEqual([1, 0])
    page.show('visible')
    await vi.advanceTimersByTimeAsync(0)
    expect([looks, changes]).toEqual([2, 1])
    stop()
  })

  it('asks nothing more once stopped, and lets go of the page', async () => {
    const page = fakePage()
    const stop = watchTimeline({ watermark, changed, intervalMs: 2000, page: page as unknown as Document })
    await vi.advanceTimersByTimeAsync(0)
    stop()
    expect(page.listeners.size).toBe(0)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(looks).toBe(1)
  })

  it('tries again at the next interval after a failed look', async () => {
    const page = fakePage()
    let fail = true
    const flaky = async () => {
      looks += 1
      if (fail) throw new Error('network')
      return lines
    }
    const stop = watchTimeline({ watermark: flaky, changed, intervalMs: 2000, page: page as unknown as Document })
    await vi.advanceTimersByTimeAsync(0)
    fail = false
    await vi.advanceTimersByTimeAsync(2000)
    expect(looks).toBe(2)
    stop()
  })
})
