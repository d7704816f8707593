/**
 * The HTML shell of the Release Metrics webview, as a pure function (no 'vscode': the browser test
 * serves exactly this page). Nothing inline but one nonce'd script tag; the styles, uPlot's included,
 * are files of the bundle folder, because the CSP allows no inline style.
 */

/** What the shell needs from the webview: its CSP source, a fresh nonce and the URL of a bundle file. */
export interface MetricsHtmlInput {
  cspSource: string;
  nonce: string;
  src: (file: string) => string;
}

/** The Content-Security-Policy of the view: nothing by default, styles, fonts and images from the bundle, the one nonce'd script. */
export function metricsCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The page. */
export function metricsHtml({ cspSource, nonce, src }: MetricsHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${metricsCsp(cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${src('codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${src('uPlot.min.css')}">
<link rel="stylesheet" href="${src('metrics.css')}">
<title>Release Metrics</title>
</head>
<body>
<main id="app" aria-busy="true"><p>Loading the metrics…</p></main>
<script nonce="${nonce}" src="${src('metrics.js')}"></script>
</body>
</html>`;
}
