// The one client of the gateway's API: typed by schema.d.ts (`npm run gen:api`), the
// session's token on every call, every refusal thrown as an ApiError.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiError, type FieldProblem } from './problems'
import { noteServerDate } from './serverClock'

export { ApiError } from './problems'

interface ApiHooks {
  /** The bearer token of whoever is signed in, or null. */
  token: () => string | null
  /** A call was refused for want of a valid sign-in (never the sign-in call itself). */
  onUnauthorized: () => void
}

let hooks: ApiHooks = { token: () => null, onUnauthorized: () => {} }

/** Wires the client to the session and the router (main.ts, and tests). */
export function configureApi(wiring: ApiHooks): void {
  hooks = wiring
}

const TOKEN_PATH = '/api/v1/auth/token'

async function problemOf(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {}
  try {
    body = (await response.clone().json()) as Record<string, unknown>
  } catch {
    // Not JSON (a proxy's page, an empty body): the status alone tells what happened.
  }
  return new ApiError({
    status: response.status,
    type: typeof body.type === 'string' ? body.type : undefined,
    title: typeof body.title === 'string' ? body.title : undefined,
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    errors: Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : undefined,
    rule: typeof body.rule === 'string' ? body.rule : undefined,
  })
}

// When each call went out: its answer's Date header is judged against the whole wait.
const sentAt = new WeakMap<Request, number>()

const session: Middleware = {
  onRequest({ request }) {
    sentAt.set(request, Date.now())
    const token = hooks.token()
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`)
    }
    return request
  },
  async onResponse({ request, response }) {
    noteServerDate(response.headers.get('date'), Date.now(), sentAt.get(request))
    if (response.ok) return response
    const error = await problemOf(response)
    if (response.status === 401 && new URL(request.url).pathname !== TOKEN_PATH) {
      hooks.onUnauthorized()
    }
    throw error
  },
  onError({ error }) {
    // No answer at all (network down, server gone): a problem with status 0.
    if (error instanceof ApiError) return error
    return new ApiError({ status: 0, detail: '' })
  },
}

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' })
api.use(session)

/**
 * The data of a call that succeeded (a refusal has already been thrown):
 * `const me = await must(api.GET('/api/v1/auth/me'))`.
 */
export async function must<T>(call: Promise<{ data?: T }>): Promise<T> {
  const { data } = await call
  return data as T
}
