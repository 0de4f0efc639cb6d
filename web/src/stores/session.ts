// Who is signed in. The token lives in this store's memory only — never localStorage,
// sessionStorage or a cookie — so closing the tab signs out and no script can read it later.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, must } from '@/api/client'
import type { components } from '@/api/schema'
import type { Role } from '@/roles'

export type Caller = components['schemas']['CallerRead']

// Spare seconds: a token this close to its end counts as ended, so a call is not sent
// with a token that expires on the way.
const EXPIRY_MARGIN_MS = 5_000

export const useSessionStore = defineStore('session', () => {
  const token = ref<string | null>(null)
  const expiresAt = ref<number>(0)
  const user = ref<Caller | null>(null)

  const signedIn = computed(() => user.value !== null)
  const roles = computed<Role[]>(() => (user.value?.roles ?? []) as Role[])

  /** The token while it is valid; an ended one is dropped, so the call meets 401. */
  function currentToken(): string | null {
    if (token.value && Date.now() >= expiresAt.value - EXPIRY_MARGIN_MS) {
      signOut()
    }
    return token.value
  }

  async function signIn(username: string, password: string): Promise<Caller> {
    const answer = await must(
      api.POST('/api/v1/auth/token', {
        body: { grant_type: 'password', username, password },
        bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
    )
    token.value = answer.access_token
    expiresAt.value = Date.now() + answer.expires_in * 1000
    try {
      user.value = await must(api.GET('/api/v1/auth/me'))
    } catch (error) {
      signOut()
      throw error
    }
    return user.value
  }

  function signOut(): void {
    token.value = null
    expiresAt.value = 0
    user.value = null
  }

  return { token, expiresAt, user, signedIn, roles, currentToken, signIn, signOut }
})
