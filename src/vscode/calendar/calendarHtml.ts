/**
 * The HTML shell of the Release Calendar webview, as a pure function (no 'vscode'). Nothing inline but
 * one nonce'd script tag; the styles are files of the bundle folder (the CSP allows no inline style).
 */

/** What the shell needs from the webview: its CSP source, a fresh nonce and the URL of a bundle file. */
export interface CalendarHtmlInput {
  cspSource: string;
  nonce: string;
  src: (file: string) => string;
}

/** The Content-Security-Policy of the view: nothing by default, styles and fonts from the bundle, the one nonce'd script. */
export function calendarCsp(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource}`, `script-src 'nonce-${nonce}'`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');
}

/** The page. */
export function calendarHtml({ cspSource, nonce, src }: CalendarHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${calendarCsp(cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${src('codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${src('calendar.css')}">
<title>Release Calendar</title>
</head>
<body>
<main id="app" aria-busy="true"><p>Loading the release calendar…</p></main>
<script nonce="${nonce}" src="${src('calendar.js')}"></script>
</body>
</html>`;
}
