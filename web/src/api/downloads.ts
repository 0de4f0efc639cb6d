// Files the API answers (a report as xlsx): fetched with the session's token by the typed
// client and saved from memory, so the token never goes into an address.

/** The file name a download is saved under: the server's (Content-Disposition, RFC 6266,
 *  `filename*=UTF-8''…` first), else `fallback`. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)
  if (encoded?.[1]) {
    try {
      return decodeURIComponent(encoded[1].trim())
    } catch {
      // A malformed escape: fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)
  return plain?.[1]?.trim() || fallback
}

/** Hands `data` to the browser as a download, named as the answer's headers say. */
export function saveDownload(data: Blob, response: Response, fallback: string): void {
  const address = URL.createObjectURL(data)
  const link = document.createElement('a')
  link.href = address
  link.download = filenameOf(response.headers.get('Content-Disposition'), fallback)
  document.body.append(link)
  link.click()
  link.remove()
  // The browser has taken the file once the click is handled.
  setTimeout(() => URL.revokeObjectURL(address), 10_000)
}
