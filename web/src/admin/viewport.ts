// Whether the screen is a phone's (the console's layout breaks at the same width), so a
// table can keep its buttons in a narrow column fixed at the right edge.
import { onBeforeUnmount, ref, type Ref } from 'vue'

const PHONE_QUERY = '(max-width: 767px)'

export function usePhoneWidth(): Ref<boolean> {
  const query = window.matchMedia(PHONE_QUERY)
  const phone = ref(query.matches)
  const follow = (event: MediaQueryListEvent) => {
    phone.value = event.matches
  }
  query.addEventListener('change', follow)
  onBeforeUnmount(() => query.removeEventListener('change', follow))
  return phone
}
