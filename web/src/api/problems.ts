// How a refused call is told to a person: in Chinese words, never a bare status code.
import { ElMessage } from 'element-plus'

export interface FieldProblem {
  pointer?: string
  parameter?: string
  detail: string
}

/** An RFC 9457 problem answered by the API (or made here when no answer came). */
export class ApiError extends Error {
  readonly status: number
  readonly type: string
  readonly title: string
  readonly detail: string
  readonly errors: FieldProblem[]
  readonly rule?: string

  constructor(problem: {
    status: number
    type?: string
    title?: string
    detail?: string
    errors?: FieldProblem[]
    rule?: string
  }) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`)
    this.name = 'ApiError'
    this.status = problem.status
    this.type = problem.type ?? 'about:blank'
    this.title = problem.title ?? ''
    this.detail = problem.detail ?? ''
    this.errors = problem.errors ?? []
    this.rule = problem.rule
  }

  /** The last part of the problem type: `urn:guanjia:problem:not-found` → `not-found`. */
  get slug(): string {
    return this.type.split(/[:/]/).pop() ?? ''
  }
}

// The problem types a person meets most, said plainly; others fall back on the status.
const WORDS_BY_TYPE: Record<string, string> = {
  'invalid-credentials': '用户名或密码不正确',
  'rate-limited': '操作过于频繁，请稍后再试',
  'validation-error': '填写的内容有误，请按提示修改',
  'malformed-body': '提交的内容格式有误',
  'not-found': '找不到要查看的内容',
  forbidden: '没有权限进行此操作',
  unauthorized: '登录已失效，请重新登录',
  conflict: '操作与当前状态冲突',
  'precondition-failed': '内容已被他人修改，请刷新后重试',
  'payload-too-large': '提交的内容过大',
  'service-unavailable': '服务繁忙，请稍后再试',
}

const WORDS_BY_STATUS: Record<number, string> = {
  0: '无法连接服务器，请检查网络后重试',
  400: '请求有误',
  401: '登录已失效，请重新登录',
  403: '没有权限进行此操作',
  404: '找不到要查看的内容',
  409: '操作与当前状态冲突',
  413: '提交的内容过大',
  422: '填写的内容有误，请按提示修改',
  429: '操作过于频繁，请稍后再试',
  500: '服务器出错，请稍后再试',
  502: '服务暂时不可用，请稍后再试',
  503: '服务繁忙，请稍后再试',
  504: '服务响应超时，请稍后再试',
}

/** Chinese words for a problem: by its type when known, else by its status. */
export function wordsFor(error: ApiError): string {
  return (
    WORDS_BY_TYPE[error.slug] ??
    WORDS_BY_STATUS[error.status] ??
    (error.status >= 500 ? WORDS_BY_STATUS[500]! : WORDS_BY_STATUS[400]!)
  )
}

/** The whole message: the Chinese words, then what the API said in its own words. */
export function messageOf(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return WORDS_BY_STATUS[0]!
  }
  const words = wordsFor(error)
  return error.detail && error.detail !== words ? `${words}：${error.detail}` : words
}

/** Tells the person what went wrong, in a message at the top of the page. */
export function showProblem(error: unknown): void {
  ElMessage({ type: 'error', message: messageOf(error), showClose: true, duration: 6000 })
}

/**
 * The form field a problem's pointer names, in the dotted form Element Plus forms use:
 * `#/title`, `/body/title` → `title`; `#/items/0/name` → `items.0.name`.
 */
export function fieldOfPointer(pointer: string): string {
  const parts = pointer
    .replace(/^#/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (parts[0] === 'body') parts.shift()
  return parts.join('.')
}

/** The problems of each field, keyed as `fieldOfPointer` says, for `<el-form-item :error>`. */
export function fieldErrors(error: unknown): Record<string, string> {
  const byField: Record<string, string> = {}
  if (error instanceof ApiError) {
    for (const problem of error.errors) {
      const field = problem.pointer ? fieldOfPointer(problem.pointer) : problem.parameter
      if (field) byField[field] = byField[field] ? `${byField[field]}；${problem.detail}` : problem.detail
    }
  }
  return byField
}
