// The session against the real gateway at GUANJIA_CONSOLE_URL (tests/console starts one,
// its admin's password in GUANJIA_ADMIN_PASSWORD).
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, configureApi } from '@/api/client'
import { useSessionStore } from '@/stores/session'

const gateway = process.env.GUANJIA_CONSOLE_URL
const adminPassword = process.env.GUANJIA_ADMIN_PASSWORD ?? ''

describe.skipIf(!gateway || !adminPassword)('the session, signed in at the gateway', () => {
  let session: ReturnType<typeof useSessionStore>
  let unauthorized: ReturnType<typeof vi.fn<() => void>>

  beforeEach(() => {
    setActivePinia(createPinia())
    session = useSessionStore()
    unauthorized = vi.fn<() => void>()
    configureApi({ token: () => session.currentToken(), onUnauthorized: unauthorized })
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  it('knows who signed in and their roles', async () => {
    await session.signIn('admin', adminPassword)
    expect(session.signedIn).toBe(true)
    expect(session.user?.username).toBe('admin')
    expect(session.roles).toContain('admin')
  })

  it('keeps the token in memory only: no storage, no cookie', async () => {
    await session.signIn('admin', adminPassword)
    expect(session.token).toBeTruthy()
    expect(localStorage.length).toBe(0)
    expect(sessionStorage.length).toBe(0)
    expect(document.cookie).toBe('')
  })

  it('refuses a wrong password with the API’s problem and signs nobody in', async () => {
    const refusal = await session.signIn('admin', 'not-the-password').catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(ApiError)
    expect(refusal).toMatchObject({ status: 401, detail: 'the username or password is wrong' })
    expect(session.signedIn).toBe(false)
    expect(unauthorized).not.toHaveBeenCalled()
  })

  it('drops an ended token, so the next call meets 401 and asks for a sign-in', async () => {
    await session.signIn('admin', adminPassword)
    const lifetime = session.expiresAt - Date.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + lifetime)

    const refusal = await api.GET('/api/v1/auth/me').catch((error: unknown) => error)

    expect(refusal).toMatchObject({ status: 401 })
    expect(unauthorized).toHaveBeenCalledOnce()
    expect(session.signedIn).toBe(false)
    expect(session.token).toBeNull()
  })

  it('sends the token while it lasts', async () => {
    await session.signIn('admin', adminPassword)
    const { data } = await api.GET('/api/v1/auth/me')
    expect(data?.username).toBe('admin')
  })

  it('forgets the token and the person on signing out', async () => {
    await session.signIn('admin', adminPassword)
    session.signOut()
    expect(session.token).toBeNull()
    expect(session.user).toBeNull()
    await expect(api.GET('/api/v1/auth/me')).rejects.toMatchObject({ status: 401 })
  })
})
