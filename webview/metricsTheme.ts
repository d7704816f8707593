// The charts' colours, read from VS Code's theme variables at draw time (the webview gets every
// --vscode-* colour as a CSS variable on <html>); fallbacks only where a theme leaves one unset.

/** The colours and font the charts draw with. */
export interface ChartPalette {
  foreground: string;
  grid: string;
  succeeded: string;
  failed: string;
  rolledBack: string;
  lead: string;
  recovery: string;
  recoveryFill: string;
  fontFamily: string;
}

function cssVar(style: CSSStyleDeclaration, names: string[], fallback: string): string {
  for (const n of names) {
    const v = style.getPropertyValue(n).trim();
    if (v) return v;
  }
  return fallback;
}

/** Whether the page shows a light theme (VS Code's body classes), for fallbacks only. */
function isLight(): boolean {
  return document.body.classList.contains('vscode-light') || document.body.classList.contains('vscode-high-contrast-light');
}

/** A colour with an alpha, whatever notation the theme wrote it in (hex #rgb/#rrggbb, else CSS color-mix). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color.trim());
  if (hex) {
    const h = hex[1]!.length === 3 ? [...hex[1]!].map((c) => c + c).join('') : hex[1]!;
    return `#${h}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
  }
  return `color-mix(in srgb, ${color} ${Math.round(alpha * 100)}%, transparent)`;
}

/** The palette of the current theme. */
export function chartPalette(): ChartPalette {
  const style = getComputedStyle(document.documentElement);
  const light = isLight();
  const foreground = cssVar(style, ['--vscode-charts-foreground', '--vscode-foreground'], light ? '#616161' : '#cccccc');
  const recovery = cssVar(style, ['--vscode-charts-blue'], light ? '#1a85ff' : '#3794ff');
  return {
    foreground,
    grid: cssVar(style, ['--vscode-charts-lines'], withAlpha(foreground, 0.25)),
    succeeded: cssVar(style, ['--vscode-charts-green', '--vscode-testing-iconPassed'], light ? '#388a34' : '#89d185'),
    failed: cssVar(style, ['--vscode-charts-red', '--vscode-testing-iconFailed'], light ? '#e51400' : '#f14c4c'),
    rolledBack: cssVar(style, ['--vscode-charts-orange', '--vscode-charts-yellow'], '#d18616'),
    lead: cssVar(style, ['--vscode-charts-purple'], light ? '#652d90' : '#b180d7'),
    recovery,
    recoveryFill: withAlpha(recovery, 0.35),
    fontFamily: cssVar(style, ['--vscode-font-family'], 'system-ui, sans-serif'),
  };
}
