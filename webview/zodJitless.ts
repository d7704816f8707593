// Imported first by the webview entry: zod probes `new Function` to compile its parsers, which the
// webview's CSP (no unsafe-eval) refuses and reports as a violation. Tell it not to, before any schema exists.
import * as z from 'zod';

z.config({ jitless: true });
