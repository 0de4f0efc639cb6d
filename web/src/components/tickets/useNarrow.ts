// Whether the screen is a phone's (the console's layout breaks at 767px, styles.css): lists
// then show cards instead of tables, which would need sideways scrolling.
import { onBeforeUnmount, ref } from 'vue'

const PHONE = '(max-width: 767px)'

export function useNarrow() {
  const query = globalThis.matchMedia?.(PHONE)
  const narrow = ref(query?.matches ?? false)
  const follow = (event: MediaQueryListEvent) => (narrow.value = event.matches)
  query?.addEventListener('change', follow)
  onBeforeUnmount(() => query?.removeEventListener('change', follow))
  return narrow
}
