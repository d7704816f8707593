/** "failed: the reason" of a gate row, without saying the status twice when the reason already starts with it ("Not run yet."). */
export function statusLine(label: string, reason: string): string {
  return reason.toLowerCase().startsWith(label.toLowerCase()) ? reason : `${label}: ${reason}`;
}
